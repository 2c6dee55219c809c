import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Scope } from "../../db/entities/index.ts";
import { updateApplication } from "../../services/applications/update-application.ts";
import { createScope } from "../../services/scopes/create-scope.ts";
import { deleteScope } from "../../services/scopes/delete-scope.ts";
import { updateScope } from "../../services/scopes/update-scope.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { ScopeNode } from "../types/scope.ts";
import { ApplicationPayload } from "./application-mutations.ts";

const ScopePayload = builder.objectRef<{ scope: Scope }>("ScopePayload").implement({
  description: "The custom scope after the change.",
  fields: (t) => ({
    scope: t.field({ type: ScopeNode, description: "The scope.", resolve: (p) => p.scope.id }),
  }),
});

const DeleteScopePayload = builder.objectRef<{ id: string; name: string }>("DeleteScopePayload").implement({
  description: "The custom scope is gone from the catalogue.",
  fields: (t) => ({
    deletedScopeId: t.exposeID("id", { description: "The global id of the deleted scope." }),
    name: t.exposeString("name", { description: "The name it had." }),
  }),
});

builder.mutationFields((t) => ({
  createScope: t.field({
    type: ScopePayload,
    description: "Adds a custom scope to the organization's catalogue.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      name: t.arg.string({
        required: true,
        description: "1 to 64 lowercase letters, digits, or `:._-`; not a built-in name; unique in the organization.",
      }),
      description: t.arg.string({ required: true, description: "Shown on the consent page, 1 to 200 characters." }),
    },
    resolve: async (_root, args, context) => {
      const scope = await createScope(
        context.em,
        {
          organizationId: context.principal.organizationId,
          name: args.name,
          description: args.description,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { scope };
    },
  }),
  updateScope: t.field({
    type: ScopePayload,
    description: "Changes a custom scope's description; its name cannot change.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      id: t.arg.globalID({ required: true, description: "The custom scope." }),
      description: t.arg.string({ required: true, description: "Shown on the consent page, 1 to 200 characters." }),
    },
    resolve: async (_root, args, context) => {
      const scope = await updateScope(
        context.em,
        {
          scopeId: rowId(args.id, "Scope"),
          organizationId: context.principal.organizationId,
          description: args.description,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { scope };
    },
  }),
  deleteScope: t.field({
    type: DeleteScopePayload,
    description: "Deletes a custom scope; refused while an app of the organization still allows it.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: { id: t.arg.globalID({ required: true, description: "The custom scope." }) },
    resolve: async (_root, args, context) => {
      const scopeId = rowId(args.id, "Scope");
      const { name } = await deleteScope(
        context.em,
        { scopeId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("Scope", scopeId), name };
    },
  }),
  setAllowedScopes: t.field({
    type: ApplicationPayload,
    description: "Replaces the scopes an app may request (built-in or the organization's own).",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The app." }),
      scopes: t.arg.stringList({ required: true, description: "The complete list; an empty list allows none." }),
    },
    resolve: async (_root, args, context) => {
      const application = await updateApplication(
        context.em,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          changes: { allowedScopes: args.scopes },
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { application };
    },
  }),
}));
