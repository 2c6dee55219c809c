import { IdentityProvider } from "../../db/entities/index.ts";
import type { Row } from "../../db/read-rows.ts";
import { builder } from "../builder.ts";
import { loadOwnedRows, loadRowsOfApplications } from "../loaders.ts";
import { ApplicationNode } from "./application.ts";

export const IdentityProviderKindEnum = builder.enumType("IdentityProviderKind", {
  description: "Which upstream service a person signs in with.",
  values: {
    GOOGLE: { value: "google", description: "Google (OpenID Connect)." },
    GITHUB: { value: "github", description: "GitHub (OAuth 2.0)." },
    MICROSOFT: { value: "microsoft", description: "Microsoft Entra ID (OpenID Connect)." },
    APPLE: { value: "apple", description: "Sign in with Apple." },
    DISCORD: { value: "discord", description: "Discord (OAuth 2.0)." },
    OIDC: { value: "oidc", description: "Any OpenID Connect provider, found through its issuer." },
  } as const,
});

/** An identity provider as the control plane reads it (mutations answer its id; the node loads the row). */
export type IdentityProviderRow = Row<IdentityProvider>;

/**
 * An upstream login provider of an app. It belongs to an app, so only that app's organization sees it. The client
 * secret is write-only: no field returns it, only its last four characters.
 */
export const IdentityProviderNode = builder.loadableNode("IdentityProvider", {
  description:
    'An upstream login an app offers on its login page ("Continue with ..."). Its client secret is write-only.',
  id: { resolve: (provider: IdentityProviderRow) => provider.id, description: "The provider's global id." },
  load: (ids: string[], context) =>
    loadOwnedRows(IdentityProvider, ids, context, { application: { organization: context.principal.organizationId } }),
  authScopes: { apiKeyScope: "apps:read" },
  fields: (t) => ({
    kind: t.field({
      type: IdentityProviderKindEnum,
      description: "The upstream service.",
      resolve: (provider) => provider.kind,
    }),
    displayName: t.string({
      nullable: true,
      description: "The button label; null shows the kind's own name.",
      resolve: (provider) => provider.displayName ?? null,
    }),
    clientId: t.exposeString("clientId", { description: "The app's client id at the upstream provider." }),
    clientSecretLast4: t.exposeString("clientSecretLast4", {
      description:
        "The last four characters of the upstream client secret, to tell secrets apart. The secret is never returned.",
    }),
    appleTeamId: t.string({
      nullable: true,
      description: "APPLE: the developer team id Latch signs the client secret for; null when a pasted one is used.",
      resolve: (provider) => provider.appleTeamId ?? null,
    }),
    appleKeyId: t.string({
      nullable: true,
      description: "APPLE: the id of the .p8 key Latch signs the client secret with; null when a pasted one is used.",
      resolve: (provider) => provider.appleKeyId ?? null,
    }),
    issuer: t.string({
      nullable: true,
      description: "The OpenID Connect issuer (required for OIDC); its discovery document supplies missing endpoints.",
      resolve: (provider) => provider.issuer ?? null,
    }),
    authorizationEndpoint: t.string({
      nullable: true,
      description: "Overrides the upstream authorization endpoint; null uses the kind's or the issuer's.",
      resolve: (provider) => provider.authorizationEndpoint ?? null,
    }),
    tokenEndpoint: t.string({
      nullable: true,
      description: "Overrides the upstream token endpoint; null uses the kind's or the issuer's.",
      resolve: (provider) => provider.tokenEndpoint ?? null,
    }),
    userinfoEndpoint: t.string({
      nullable: true,
      description: "Overrides the upstream userinfo endpoint; null uses the kind's or the issuer's.",
      resolve: (provider) => provider.userinfoEndpoint ?? null,
    }),
    scopes: t.exposeStringList("scopes", { description: "The scopes requested from the upstream provider." }),
    enabled: t.exposeBoolean("enabled", { description: "Whether the login page offers it." }),
    application: t.field({
      type: ApplicationNode,
      description: "The app whose login page offers it.",
      resolve: (provider) => provider.application,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

builder.objectFields(ApplicationNode, (t) => ({
  identityProviders: t.loadableList({
    type: IdentityProviderNode,
    description: "The app's upstream login providers, enabled or not, oldest first.",
    load: (applicationIds: string[], context) => loadRowsOfApplications(IdentityProvider, applicationIds, context),
    resolve: (app) => app.id,
  }),
}));
