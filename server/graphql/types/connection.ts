import { Connection, User } from "../../db/entities/index.ts";
import { NotFoundError } from "../../services/errors.ts";
import { builder } from "../builder.ts";
import type { GraphQLContext } from "../context.ts";
import { filterRowId } from "../global-id.ts";
import { loadOwned } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { IntegrationNode } from "./integration.ts";

export const ConnectionStatusEnum = builder.enumType("ConnectionStatus", {
  description: "Whether a connection's tokens can be used.",
  values: {
    ACTIVE: { value: "active", description: "Tokens are held and refreshed or renewed before they expire." },
    NEEDS_REAUTH: {
      value: "needs_reauth",
      description: "The upstream refused a refresh (e.g. `invalid_grant`): the user must connect again.",
    },
    REVOKED: { value: "revoked", description: "Disconnected: its tokens were revoked or dropped." },
  } as const,
});

/** Users by id, for connections the caller was already allowed to see: a user is only reached through one. */
async function loadUsers(ids: readonly string[], context: GraphQLContext): Promise<(User | Error)[]> {
  const rows = await context.em.find(User, { id: { $in: [...ids] } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError("User"));
}

export const ConnectionUserType = builder.objectRef<User>("ConnectionUser").implement({
  description: "The person whose upstream account a connection holds tokens for. Reachable only through it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The user's row id (a UUID, not a global id)." }),
    email: t.exposeString("email", { description: "The user's email address." }),
    displayName: t.exposeString("displayName", { description: "The name the user goes by." }),
  }),
});

/** The connection rows of the caller's organization's integrations; others load as not found. */
const ownedBy = (context: GraphQLContext) => ({ integration: { organization: context.principal.organizationId } });

/**
 * Tokens Latch holds for one integration: a user's (authorization code) or the organization's service token. Shows
 * their state, never a token.
 */
export const IntegrationConnectionNode = builder.loadableNode(Connection, {
  name: "IntegrationConnection",
  description:
    "The upstream tokens Latch holds for one integration, on behalf of a user or (with no user) of the organization " +
    "as a service. Only their state shows: no field returns a token.",
  id: { resolve: (connection) => connection.id, description: "The connection's global id." },
  load: async (ids: string[], context) =>
    (await loadOwned(Connection, ids, context, ownedBy(context))).map((row) =>
      row instanceof NotFoundError ? new NotFoundError("IntegrationConnection") : row,
    ),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    integration: t.field({
      type: IntegrationNode,
      description: "The integration the tokens are for.",
      resolve: (connection) => connection.integration.id,
    }),
    user: t.loadable({
      type: ConnectionUserType,
      nullable: true,
      description: "Whose upstream account it is; null for a service connection (client credentials or password).",
      load: (ids: string[], context) => loadUsers(ids, context),
      resolve: (connection) => connection.user?.id ?? null,
    }),
    status: t.field({
      type: ConnectionStatusEnum,
      description: "Whether the tokens can be used.",
      resolve: (connection) => connection.status,
    }),
    scopes: t.exposeStringList("scopes", { description: "The scopes the upstream granted." }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the current access token expires; null when the upstream gave no lifetime or none is held.",
      resolve: (connection) => connection.expiresAt ?? null,
    }),
    lastRefreshedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When its tokens were last refreshed or renewed; null if never.",
      resolve: (connection) => connection.lastRefreshedAt ?? null,
    }),
    error: t.string({
      nullable: true,
      description: "The upstream's last error (an OAuth error code and description); null after a success.",
      resolve: (connection) => connection.error ?? null,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was first connected." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

const ConnectionFilterInput = builder.inputType("ConnectionFilter", {
  description: "Narrows `connections`; every condition given must hold.",
  fields: (t) => ({
    integrationId: t.globalID({ required: false, description: "Only the connections of this integration." }),
    status: t.field({ type: ConnectionStatusEnum, required: false, description: "Only connections in this state." }),
  }),
});

/** The filter of one `connections` page, kept on the connection so totalCount counts the same rows. */
type Filtered = { readonly countWhere: Record<string, unknown> };

builder.queryFields((t) => ({
  connections: t.connection(
    {
      type: IntegrationConnectionNode,
      description: "The connections of the organization's integrations, oldest first. Admins only.",
      authScopes: { apiKeyScope: "admin" },
      args: { filter: t.arg({ type: ConnectionFilterInput, required: false, description: "Conditions to match." }) },
      resolve: async (_root, args, context) => {
        const filter: Record<string, unknown> = { ...ownedBy(context) };
        if (args.filter?.integrationId)
          filter.integration = {
            id: filterRowId(args.filter.integrationId, "Integration"),
            organization: context.principal.organizationId,
          };
        if (args.filter?.status) filter.status = args.filter.status;
        const connection = await paginate(args, ({ where, orderBy, limit }) =>
          context.em.find(Connection, { ...filter, ...where }, { orderBy, limit }),
        );
        return Object.assign(connection, { countWhere: filter } satisfies Filtered);
      },
    },
    {
      description: "A page of connections.",
      edgesField: { description: "The connections of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "Connections matching the filter, across all pages.",
          resolve: (connection, _args, context) =>
            context.em.count(Connection, (connection as unknown as Filtered).countWhere),
        }),
      }),
    },
    { description: "A connection and its cursor.", nodeField: { description: "The connection." } },
  ),
}));
