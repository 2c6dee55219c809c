import { encodeGlobalID } from "@pothos/plugin-relay";
import type { RedirectUri } from "../../db/entities/index.ts";
import { addRedirectUri } from "../../services/redirect-uris/add-redirect-uri.ts";
import { removeRedirectUri } from "../../services/redirect-uris/remove-redirect-uri.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { ApplicationNode } from "../types/application.ts";
import { RedirectUriNode } from "../types/redirect-uri.ts";

const AddRedirectUriPayload = builder.objectRef<{ redirectUri: RedirectUri }>("AddRedirectUriPayload").implement({
  description: "The redirect URI just registered.",
  fields: (t) => ({
    redirectUri: t.field({
      type: RedirectUriNode,
      description: "The new redirect URI.",
      resolve: (p) => p.redirectUri.id,
    }),
    application: t.field({
      type: ApplicationNode,
      description: "The app, with all its redirect URIs.",
      resolve: (p) => p.redirectUri.application.id,
    }),
  }),
});

const RemoveRedirectUriPayload = builder
  .objectRef<{ id: string; applicationId: string }>("RemoveRedirectUriPayload")
  .implement({
    description: "The redirect URI is gone; authorization requests naming it now fail.",
    fields: (t) => ({
      removedRedirectUriId: t.exposeID("id", { description: "The global id of the removed redirect URI." }),
      application: t.field({
        type: ApplicationNode,
        description: "The app, with the redirect URIs it has left.",
        resolve: (p) => p.applicationId,
      }),
    }),
  });

builder.mutationFields((t) => ({
  addRedirectUri: t.field({
    type: AddRedirectUriPayload,
    description: "Registers a redirect URI on an app: https, http on loopback, or a private-use scheme; exact match.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The app." }),
      uri: t.arg.string({ required: true, description: "An absolute URI without fragment, wildcard or userinfo." }),
    },
    resolve: async (_root, args, context) => {
      const redirectUri = await addRedirectUri(
        context.em,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          uri: args.uri,
          actor: actorOf(context.principal),
        },
        context.now(),
      );
      return { redirectUri };
    },
  }),
  removeRedirectUri: t.field({
    type: RemoveRedirectUriPayload,
    description: "Removes a redirect URI from its app.",
    errors: {},
    authScopes: { apiKeyScope: "apps:write" },
    args: { id: t.arg.globalID({ required: true, description: "The redirect URI." }) },
    resolve: async (_root, args, context) => {
      const redirectUriId = rowId(args.id, "RedirectUri");
      const { applicationId } = await removeRedirectUri(
        context.em,
        { redirectUriId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("RedirectUri", redirectUriId), applicationId };
    },
  }),
}));
