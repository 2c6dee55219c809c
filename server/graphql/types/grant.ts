import { Grant, Organization, User } from "../../db/entities/index.ts";
import { type Row, readRows } from "../../db/read-rows.ts";
import { NotFoundError } from "../../services/errors.ts";
import { countActiveGrants } from "../../services/grants/count-active-grants.ts";
import { grantWhere } from "../../services/grants/grant-filter.ts";
import { type GrantRevocation, grantRevocation } from "../../services/grants/grant-revocation.ts";
import { grantsRevokedBefore } from "../../services/grants/grants-revoked-before.ts";
import { builder } from "../builder.ts";
import type { GraphQLContext } from "../context.ts";
import { rowIdOf } from "../global-id.ts";
import { loadOwnedRows, requestLoader } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { ApplicationNode } from "./application.ts";
import { OrganizationNode } from "./organization.ts";

/** A grant as the control plane reads it (the revoke mutation answers its id; the node loads the row). */
export type GrantRow = Row<Grant>;

/** Users by id, for grants the caller was already allowed to see: a user is only ever reached through a grant. */
async function loadUsers(ids: readonly string[], context: GraphQLContext): Promise<(Row<User> | Error)[]> {
  const rows = await readRows(context.em, User, { id: { $in: [...ids] } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? new NotFoundError("User"));
}

/** Names of the workspaces grants were given for; these may be other organizations, so only the name is read. */
async function loadWorkspaceNames(ids: readonly string[], context: GraphQLContext): Promise<(string | null)[]> {
  const rows = await readRows(context.em, Organization, { id: { $in: [...ids] } });
  const byId = new Map(rows.map((row) => [row.id, row.name]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * The grant's revocation, counting an app-wide one the worker has not marked its row with yet: the apps of a page of
 * grants are read together, once for the three fields that need it.
 */
async function revocationOf(grant: GrantRow, context: GraphQLContext): Promise<GrantRevocation | null> {
  if (grant.revokedAt) return grantRevocation(grant, null);
  const loader = requestLoader(context, "grants-revoked-before", (ids) => grantsRevokedBefore(context.em, ids));
  return grantRevocation(grant, await loader.load(grant.application));
}

export const GrantUserType = builder.objectRef<Row<User>>("GrantUser").implement({
  description:
    "A person who authorized one of the organization's apps. Reachable only through their grants, never listed or " +
    "looked up on its own.",
  fields: (t) => ({
    id: t.exposeID("id", {
      description: "The user's row id (a UUID, not a global id); `GrantFilter.userId` and `revokeUserGrants` take it.",
    }),
    email: t.exposeString("email", { description: "The user's email address, as they typed it." }),
    displayName: t.exposeString("displayName", { description: "The name the user goes by." }),
  }),
});

/** A user's consent to an app of the caller's organization. Grants of other organizations' apps load as not found. */
export const GrantNode = builder.loadableNode("Grant", {
  description:
    "A user's consent to an app: the scopes they granted (and bot permissions), optionally for one workspace. " +
    "Revoking it cuts off every token issued under it.",
  id: { resolve: (grant: GrantRow) => grant.id },
  load: (ids: string[], context) =>
    loadOwnedRows(Grant, ids, context, { application: { organization: context.principal.organizationId } }),
  authScopes: { apiKeyScope: "grants:read" },
  fields: (t) => ({
    user: t.loadable({
      type: GrantUserType,
      description: "Who consented.",
      load: (ids: string[], context) => loadUsers(ids, context),
      resolve: (grant) => grant.user,
    }),
    application: t.field({
      type: ApplicationNode,
      description: "The app the consent was given to (reading it also needs `apps:read`).",
      resolve: (grant) => grant.application,
    }),
    workspace: t.field({
      type: OrganizationNode,
      nullable: true,
      description:
        "The workspace the consent was given for, when it is the caller's own organization; null otherwise " +
        "(see `workspaceId` and `workspaceName` for another organization's workspace).",
      resolve: (grant, _args, context) =>
        grant.organization === context.principal.organizationId ? grant.organization : null,
    }),
    workspaceId: t.string({
      nullable: true,
      description: "The row id (a UUID) of the workspace the consent was given for, in whichever organization.",
      resolve: (grant) => grant.organization,
    }),
    workspaceName: t.loadable({
      type: "String",
      nullable: true,
      description: "The name of the workspace the consent was given for, in whichever organization.",
      load: (ids: string[], context) => loadWorkspaceNames(ids, context),
      resolve: (grant) => grant.organization,
    }),
    scopes: t.exposeStringList("scopes", { description: "The scopes the user granted, as requested." }),
    permissions: t.string({
      nullable: true,
      description: "Bot permissions bitfield (a signed 64-bit integer as a decimal string); null unless a bot install.",
      resolve: (grant) => grant.permissions ?? null,
    }),
    active: t.boolean({
      description: "Whether the grant still stands (not revoked, by itself or with every grant of its app).",
      resolve: async (grant, _args, context) => (await revocationOf(grant, context)) === null,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the user first consented." }),
    updatedAt: t.expose("updatedAt", {
      type: "DateTime",
      description: "When the grant last changed (widened scopes, revocation).",
    }),
    revokedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the grant was revoked; null while active.",
      resolve: async (grant, _args, context) => (await revocationOf(grant, context))?.at ?? null,
    }),
    revokedReason: t.string({
      nullable: true,
      description: "Why it was revoked, e.g. `user_disconnected`, `revoked_by_organization`, `application_disabled`.",
      resolve: async (grant, _args, context) => (await revocationOf(grant, context))?.reason ?? null,
    }),
  }),
});

const GrantFilterInput = builder.inputType("GrantFilter", {
  description: "Narrows `grants`; every condition given must hold.",
  fields: (t) => ({
    applicationId: t.globalID({ required: false, description: "Only grants to this app." }),
    userId: t.string({ required: false, description: "Only this user's grants: their row id or email address." }),
    workspaceId: t.id({
      required: false,
      description: "Only grants for this workspace: an organization's global id, or a row id as `Grant.workspaceId`.",
    }),
    scope: t.string({ required: false, description: "Only grants whose scopes include this one." }),
    active: t.boolean({ required: false, description: "true: only active grants; false: only revoked ones." }),
  }),
});

/** A connection page that can also count every row its filter matches, queried only when asked for. */
type Counted = { countAll: () => Promise<number> };

builder.queryFields((t) => ({
  grants: t.connection(
    {
      type: GrantNode,
      description: "Grants to the organization's apps, oldest first.",
      authScopes: { apiKeyScope: "grants:read" },
      args: { filter: t.arg({ type: GrantFilterInput, required: false, description: "Conditions on the grants." }) },
      resolve: async (_root, args, context) => {
        const filter = args.filter;
        const where = grantWhere(context.principal.organizationId, {
          // A global id of another type names no app, so it matches nothing.
          applicationId: filter?.applicationId
            ? filter.applicationId.typename === "Application"
              ? filter.applicationId.id
              : "none"
            : null,
          user: filter?.userId ?? null,
          workspaceId: filter?.workspaceId ? rowIdOf(filter.workspaceId, "Organization") : null,
          scope: filter?.scope ?? null,
          active: filter?.active ?? null,
        });
        const connection = await paginate(args, ({ where: keyset, orderBy, limit }) =>
          readRows(context.em, Grant, { $and: [where, keyset] } as never, { orderBy: orderBy as never, limit }),
        );
        const counted: Counted = { countAll: () => context.em.count(Grant, where) };
        return Object.assign(connection, counted);
      },
    },
    {
      description: "A page of grants.",
      fields: (c) => ({
        totalCount: c.int({
          description: "Grants matching the filter, on every page.",
          resolve: (connection) => (connection as unknown as Counted).countAll(),
        }),
      }),
    },
    { description: "A grant and its cursor." },
  ),
}));

builder.objectFields(ApplicationNode, (t) => ({
  activeGrantCount: t.loadable({
    type: "Int",
    description: "Grants to the app that still stand. Counted for a whole page of apps in one grouped query.",
    authScopes: { apiKeyScope: "apps:read" },
    load: (ids: string[], context) => countActiveGrants(context.em, ids),
    resolve: (app) => app.id,
  }),
}));
