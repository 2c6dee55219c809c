import { upstreamCallbackUrl } from "../../connections/callback-url.ts";
import { IntegrationCredential } from "../../db/entities/index.ts";
import { NotFoundError } from "../../services/errors.ts";
import { builder } from "../builder.ts";
import { loadOwned } from "../loaders.ts";
import { paginate } from "../pagination.ts";

export const IntegrationGrantTypeEnum = builder.enumType("IntegrationGrantType", {
  description: "How Latch obtains tokens from the integration's upstream (RFC 6749 §4).",
  values: {
    AUTHORIZATION_CODE: {
      value: "authorization_code",
      description: "Each user connects through the upstream's consent page (the popup Connect step).",
    },
    CLIENT_CREDENTIALS: {
      value: "client_credentials",
      description: "The organization's own service token, acquired with the client id and secret alone.",
    },
    PASSWORD: {
      value: "password",
      description: "A service token acquired with a resource owner's username and password.",
    },
  } as const,
});

/** Write-only secrets show as a mask and their last four characters, enough to tell two of them apart. */
export function maskedSecret(last4: string): string {
  return `•••• ${last4}`;
}

/**
 * An organization's OAuth client at an upstream service. Its client secret and password are write-only: the secret
 * shows masked, the password only as whether one is stored.
 */
export const IntegrationNode = builder.loadableNode(IntegrationCredential, {
  name: "Integration",
  description:
    "The organization's OAuth client credentials for one upstream service (integration domain). The client secret " +
    "and the password are write-only.",
  id: { resolve: (integration) => integration.id, description: "The integration's global id." },
  load: async (ids: string[], context) =>
    // Named as the schema names it, not after the entity class.
    (await loadOwned(IntegrationCredential, ids, context)).map((row) =>
      row instanceof NotFoundError ? new NotFoundError("Integration") : row,
    ),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    domain: t.exposeString("domain", {
      description: "The integration's name in the organization: the upstream's domain, lowercase, e.g. `github.com`.",
    }),
    clientId: t.exposeString("clientId", { description: "The organization's client id at the upstream." }),
    clientSecret: t.string({
      description:
        "The client secret, masked as the seeds show it: `•••• ` and its last four characters. The secret is never returned.",
      resolve: (integration) => maskedSecret(integration.clientSecretLast4),
    }),
    authorizeUrl: t.string({
      nullable: true,
      description: "The upstream authorization endpoint users are sent to; required for the authorization code grant.",
      resolve: (integration) => integration.authorizeUrl ?? null,
    }),
    tokenUrl: t.exposeString("tokenUrl", { description: "The upstream token endpoint." }),
    revocationUrl: t.string({
      nullable: true,
      description: "The upstream RFC 7009 revocation endpoint; a disconnect revokes tokens there when set.",
      resolve: (integration) => integration.revocationUrl ?? null,
    }),
    scopes: t.exposeStringList("scopes", { description: "The scopes requested from the upstream." }),
    grantType: t.field({
      type: IntegrationGrantTypeEnum,
      description: "How tokens are obtained.",
      resolve: (integration) => integration.grantType,
    }),
    username: t.string({
      nullable: true,
      description: "The resource owner of the password grant; null for other grants.",
      resolve: (integration) => integration.username ?? null,
    }),
    hasPassword: t.boolean({
      description: "Whether a password is stored for the password grant. The password itself is never returned.",
      resolve: (integration) => integration.passwordEncrypted != null,
    }),
    audience: t.string({
      nullable: true,
      description: "The `audience` parameter sent with service token requests, for upstreams that need one.",
      resolve: (integration) => integration.audience ?? null,
    }),
    redirectUri: t.string({
      description:
        "The one redirect URI to register at the upstream: Latch's shared callback, the same for every integration.",
      resolve: (_integration, _args, context) => upstreamCallbackUrl(context.publicUrl),
    }),
    connectUrl: t.string({
      nullable: true,
      description:
        "Where a signed-in user starts connecting (open it in a popup); null unless the grant is authorization code.",
      resolve: (integration, _args, context) =>
        integration.grantType === "authorization_code"
          ? `${context.publicUrl}/connections/${integration.id}/start`
          : null,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

/** The filter of one `integrations` page, kept on the connection so totalCount counts the same rows. */
type Filtered = { readonly countWhere: Record<string, unknown> };

builder.queryFields((t) => ({
  upstreamRedirectUri: t.string({
    description:
      "The one redirect URI to register at every upstream, for integrations and sign-in providers alike (Latch's shared callback), known before either exists. Any member may read it: it is no secret.",
    authScopes: { member: true },
    resolve: (_root, _args, context) => upstreamCallbackUrl(context.publicUrl),
  }),
  integrations: t.connection(
    {
      type: IntegrationNode,
      description: "The organization's integrations, oldest first. Admins only.",
      authScopes: { apiKeyScope: "admin" },
      resolve: async (_root, args, context) => {
        const filter: Record<string, unknown> = { organization: context.principal.organizationId };
        const connection = await paginate(args, ({ where, orderBy, limit }) =>
          context.em.find(IntegrationCredential, { ...filter, ...where }, { orderBy, limit }),
        );
        return Object.assign(connection, { countWhere: filter } satisfies Filtered);
      },
    },
    {
      description: "A page of integrations.",
      edgesField: { description: "The integrations of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "The organization's integrations, across all pages.",
          resolve: (connection, _args, context) =>
            context.em.count(IntegrationCredential, (connection as unknown as Filtered).countWhere),
        }),
      }),
    },
    { description: "An integration and its cursor.", nodeField: { description: "The integration." } },
  ),
}));
