import { encodeGlobalID } from "@pothos/plugin-relay";
import type { IdentityProvider } from "../../db/entities/index.ts";
import { definedFields } from "../../defined-fields.ts";
import { createIdentityProvider } from "../../services/identity-providers/create-identity-provider.ts";
import { deleteIdentityProvider } from "../../services/identity-providers/delete-identity-provider.ts";
import { updateIdentityProvider } from "../../services/identity-providers/update-identity-provider.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { IdentityProviderKindEnum, IdentityProviderNode } from "../types/identity-provider.ts";

const settingsFields = (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  displayName: t.string({ required: false, description: "The button label, at most 100 characters." }),
  issuer: t.string({ required: false, description: "The https OpenID Connect issuer; required for OIDC." }),
  authorizationEndpoint: t.string({ required: false, description: "An https URL overriding the default." }),
  tokenEndpoint: t.string({ required: false, description: "An https URL overriding the default." }),
  userinfoEndpoint: t.string({ required: false, description: "An https URL overriding the default." }),
  scopes: t.stringList({
    required: false,
    description: "Scopes to request upstream (default: the kind's usual ones).",
  }),
  enabled: t.boolean({ required: false, description: "Offer it on the login page (default true)." }),
  appleTeamId: t.string({
    required: false,
    description: "APPLE only, with appleKeyId: the Apple developer team id (10 characters) of the .p8 key.",
  }),
  appleKeyId: t.string({
    required: false,
    description:
      "APPLE only, with appleTeamId: the key id of the .p8 key given as clientSecret. Latch then signs a short-lived " +
      "client secret for each sign-in instead of sending a pasted one (which Apple expires within six months).",
  }),
});

const CreateIdentityProviderInput = builder.inputType("CreateIdentityProviderInput", {
  description: "A new upstream login provider for an app.",
  fields: (t) => ({
    applicationId: t.globalID({ required: true, description: "The app." }),
    kind: t.field({ type: IdentityProviderKindEnum, required: true, description: "The upstream service." }),
    clientId: t.string({ required: true, description: "The app's client id at the upstream provider." }),
    clientSecret: t.string({
      required: true,
      description:
        "The upstream client secret (8 characters or more), or for APPLE with appleKeyId the .p8 private key (PEM). " +
        "Stored encrypted; never returned.",
    }),
    ...settingsFields(t),
  }),
});

const UpdateIdentityProviderInput = builder.inputType("UpdateIdentityProviderInput", {
  description: "Changes to a provider; omitted fields stay as they are, null clears an optional one.",
  fields: (t) => ({
    id: t.globalID({ required: true, description: "The provider." }),
    clientId: t.string({ required: false, description: "The app's client id at the upstream provider." }),
    clientSecret: t.string({
      required: false,
      description: "A new upstream client secret; empty or omitted keeps the stored one.",
    }),
    ...settingsFields(t),
  }),
});

const IdentityProviderPayload = builder
  .objectRef<{ identityProvider: IdentityProvider }>("IdentityProviderPayload")
  .implement({
    description: "The provider after the change.",
    fields: (t) => ({
      identityProvider: t.field({
        type: IdentityProviderNode,
        description: "The provider.",
        resolve: (p) => p.identityProvider.id,
      }),
    }),
  });

const DeleteIdentityProviderPayload = builder.objectRef<{ id: string }>("DeleteIdentityProviderPayload").implement({
  description: "The provider is gone from its app's login page.",
  fields: (t) => ({
    deletedIdentityProviderId: t.exposeID("id", { description: "The global id of the deleted provider." }),
  }),
});

builder.mutationFields((t) => ({
  createIdentityProvider: t.field({
    type: IdentityProviderPayload,
    description: "Adds an upstream login provider to an app. An app offers each kind once, except OIDC.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "apps:write" },
    args: { input: t.arg({ type: CreateIdentityProviderInput, required: true, description: "The provider." }) },
    resolve: async (_root, { input }, context) => {
      const identityProvider = await createIdentityProvider(
        context.em,
        context.keyring,
        {
          applicationId: rowId(input.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          kind: input.kind,
          displayName: input.displayName ?? null,
          clientId: input.clientId,
          clientSecret: input.clientSecret,
          issuer: input.issuer ?? null,
          authorizationEndpoint: input.authorizationEndpoint ?? null,
          tokenEndpoint: input.tokenEndpoint ?? null,
          userinfoEndpoint: input.userinfoEndpoint ?? null,
          scopes: input.scopes ?? null,
          enabled: input.enabled ?? null,
          appleTeamId: input.appleTeamId ?? null,
          appleKeyId: input.appleKeyId ?? null,
          actor: actorOf(context.principal),
          urlPolicy: { production: context.production },
        },
        context.now(),
      );
      return { identityProvider };
    },
  }),
  updateIdentityProvider: t.field({
    type: IdentityProviderPayload,
    description:
      "Changes a provider in place; its kind cannot change. An empty or omitted clientSecret keeps the stored one.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "apps:write" },
    args: { input: t.arg({ type: UpdateIdentityProviderInput, required: true, description: "The changes." }) },
    resolve: async (_root, { input }, context) => {
      const { id, clientId, scopes, enabled, ...rest } = input;
      const identityProvider = await updateIdentityProvider(
        context.em,
        context.keyring,
        {
          identityProviderId: rowId(id, "IdentityProvider"),
          organizationId: context.principal.organizationId,
          // clientId, scopes and enabled have no "cleared" state: null leaves them as they are.
          changes: {
            ...definedFields(rest),
            ...(clientId != null ? { clientId } : {}),
            ...(scopes != null ? { scopes } : {}),
            ...(enabled != null ? { enabled } : {}),
          },
          actor: actorOf(context.principal),
          urlPolicy: { production: context.production },
        },
        context.now(),
      );
      return { identityProvider };
    },
  }),
  deleteIdentityProvider: t.field({
    type: DeleteIdentityProviderPayload,
    description: "Removes a provider from its app's login page; accounts linked through it stay.",
    errors: { union: { description: "The payload, or the typed error that kept anything from changing." } },
    authScopes: { apiKeyScope: "apps:write" },
    args: { id: t.arg.globalID({ required: true, description: "The provider." }) },
    resolve: async (_root, args, context) => {
      const identityProviderId = rowId(args.id, "IdentityProvider");
      await deleteIdentityProvider(
        context.em,
        { identityProviderId, organizationId: context.principal.organizationId, actor: actorOf(context.principal) },
        context.now(),
      );
      return { id: encodeGlobalID("IdentityProvider", identityProviderId) };
    },
  }),
}));
