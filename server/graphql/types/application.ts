import { Application } from "../../db/entities/index.ts";
import { type Row, readRows } from "../../db/read-rows.ts";
import { builder } from "../builder.ts";
import { rowId } from "../global-id.ts";
import { loadOwnedRows } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { OrganizationNode } from "./organization.ts";

export const ApplicationTypeEnum = builder.enumType("ApplicationType", {
  description: "Whether the app can keep a secret (RFC 6749 §2.1).",
  values: {
    CONFIDENTIAL: { value: "confidential", description: "A server-side app that authenticates with a client secret." },
    PUBLIC: { value: "public", description: "A native or browser app; it proves itself with PKCE instead." },
  } as const,
});

export const AccessTokenFormatEnum = builder.enumType("AccessTokenFormat", {
  description: "How the app's access tokens are encoded.",
  values: {
    JWT: { value: "jwt", description: "RFC 9068 JWTs signed with ES256." },
    OPAQUE: { value: "opaque", description: "Random `latch_at_` strings; resource servers introspect them." },
  } as const,
});

export const TokenEndpointAuthMethodEnum = builder.enumType("TokenEndpointAuthMethod", {
  description:
    "How a confidential app authenticates at the token, revocation and introspection endpoints (RFC 7591 §2 token_endpoint_auth_method).",
  values: {
    CLIENT_SECRET_BASIC: {
      value: "client_secret_basic",
      description: "Only HTTP Basic with client_id and secret (RFC 6749 §2.3.1); a secret in the body is refused.",
    },
    CLIENT_SECRET_POST: {
      value: "client_secret_post",
      description: "Only client_id and client_secret in the form body; an Authorization header is refused.",
    },
    ANY: { value: "any", description: "Either of the two (the default)." },
  } as const,
});

/** An app as the control plane reads it (mutations answer its id; the node loads the row). */
export type ApplicationRow = Row<Application>;

/** An OAuth app of the caller's organization. Other organizations' apps load as not found. */
export const ApplicationNode = builder.loadableNode("Application", {
  description: "An OAuth client registered by an organization.",
  id: { resolve: (app: ApplicationRow) => app.id },
  load: (ids: string[], context) => loadOwnedRows(Application, ids, context),
  authScopes: { apiKeyScope: "apps:read" },
  fields: (t) => ({
    clientId: t.exposeString("clientId", { description: "The public client identifier (RFC 6749 §2.2)." }),
    name: t.exposeString("name", { description: "Shown to people on the login and consent pages." }),
    description: t.string({
      nullable: true,
      description: "What the app is for.",
      resolve: (app) => app.description ?? null,
    }),
    type: t.field({ type: ApplicationTypeEnum, description: "Confidential or public.", resolve: (app) => app.type }),
    grantTypes: t.exposeStringList("grantTypes", { description: "The grants the app may use at the token endpoint." }),
    allowPasswordGrant: t.exposeBoolean("allowPasswordGrant", {
      description: "Explicit opt-in to the password grant.",
    }),
    allowedScopes: t.exposeStringList("allowedScopes", { description: "Scopes the app may request." }),
    accessTokenFormat: t.field({
      type: AccessTokenFormatEnum,
      description: "JWT or opaque.",
      resolve: (app) => app.accessTokenFormat,
    }),
    accessTokenTtl: t.exposeInt("accessTokenTtl", { description: "Access token lifetime in seconds." }),
    refreshTokenTtl: t.exposeInt("refreshTokenTtl", { description: "Refresh token lifetime in seconds." }),
    refreshTokenRotation: t.exposeBoolean("refreshTokenRotation", {
      description: "Whether each refresh returns a new refresh token.",
    }),
    refreshReuseInterval: t.exposeInt("refreshReuseInterval", {
      description:
        "Seconds during which a just-rotated refresh token presented again (a client retrying) is answered with the same successor; 0: any reuse revokes the family.",
    }),
    tokenEndpointAuthMethod: t.field({
      type: TokenEndpointAuthMethodEnum,
      nullable: true,
      description:
        "The one client authentication method the app may use, or ANY. Null for public apps, which send their client_id alone.",
      resolve: (app) => (app.type === "public" ? null : app.tokenEndpointAuthMethod),
    }),
    isResourceServer: t.exposeBoolean("isResourceServer", {
      description:
        "A resource server introspects the tokens of every app of the organization; any other app only its own (RFC 7662 §4).",
    }),
    logoUrl: t.string({
      nullable: true,
      description: "Logo on the consent page.",
      resolve: (app) => app.logoUrl ?? null,
    }),
    primaryColor: t.string({
      nullable: true,
      description: "Button color, #rrggbb.",
      resolve: (app) => app.primaryColor ?? null,
    }),
    secondaryColor: t.string({
      nullable: true,
      description: "Accent color, #rrggbb.",
      resolve: (app) => app.secondaryColor ?? null,
    }),
    homepageUrl: t.string({
      nullable: true,
      description: "Linked from the consent page.",
      resolve: (app) => app.homepageUrl ?? null,
    }),
    privacyPolicyUrl: t.string({
      nullable: true,
      description: "Linked from the consent page.",
      resolve: (app) => app.privacyPolicyUrl ?? null,
    }),
    termsOfServiceUrl: t.string({
      nullable: true,
      description: "Linked from the consent page.",
      resolve: (app) => app.termsOfServiceUrl ?? null,
    }),
    managedBy: t.string({
      nullable: true,
      description:
        "Which deployment manages the app, as that tool recorded it (the Pulumi provider: `pulumi:<org>/<project>/<stack>`). Null: none.",
      resolve: (app) => app.managedBy ?? null,
    }),
    isActive: t.exposeBoolean("isActive", { description: "A disabled app can neither authorize nor obtain tokens." }),
    organization: t.field({ type: OrganizationNode, description: "The owner.", resolve: (app) => app.organization }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the app was registered." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the app last changed." }),
  }),
});

builder.queryFields((t) => ({
  applications: t.connection(
    {
      type: ApplicationNode,
      description: "The organization's apps, oldest first.",
      authScopes: { apiKeyScope: "apps:read" },
      resolve: (_root, args, context) =>
        paginate(args, ({ where, orderBy, limit }) =>
          readRows(
            context.em,
            Application,
            { organization: context.principal.organizationId, ...where },
            { orderBy, limit },
          ),
        ),
    },
    {
      description: "A page of applications.",
      fields: (c) => ({
        totalCount: c.int({
          description: "Applications in the organization.",
          resolve: (_connection, _args, context) =>
            context.em.count(Application, { organization: context.principal.organizationId }),
        }),
      }),
    },
    { description: "An application and its cursor." },
  ),
  application: t.field({
    type: ApplicationNode,
    nullable: true,
    description: "One app, by global id or by client id.",
    authScopes: { apiKeyScope: "apps:read" },
    args: {
      id: t.arg.globalID({ required: false, description: "The app's global id." }),
      clientId: t.arg.string({ required: false, description: "The app's OAuth client_id." }),
    },
    resolve: async (_root, args, context) => {
      // Another type's id, or a malformed one, is not found, exactly as an app that does not exist.
      if (args.id) return rowId(args.id, "Application");
      if (!args.clientId) return null;
      const [app] = await readRows(context.em, Application, {
        clientId: args.clientId,
        organization: context.principal.organizationId,
      });
      return app ?? null;
    },
  }),
}));
