import { ApiKey, Membership } from "../../db/entities/index.ts";
import { type Row, readRows } from "../../db/read-rows.ts";
import { builder } from "../builder.ts";
import { loadOwnedRows } from "../loaders.ts";
import { paginate } from "../pagination.ts";
import { MembershipNode } from "./membership.ts";

/** An API key as the control plane reads it (its hash stays server-side; mutations answer its id). */
export type ApiKeyRow = Row<ApiKey>;

/**
 * An API key of the caller's organization as the control plane shows it: label, last four characters, scopes and
 * lifecycle. Never the hash; the key itself only in the payload of the mutation that minted it.
 */
export const ApiKeyNode = builder.loadableNode("ApiKey", {
  description:
    "An organization credential for the control plane and the Pulumi provider. Only its last four characters show.",
  id: { resolve: (apiKey: ApiKeyRow) => apiKey.id, description: "The API key's global id." },
  load: (ids: string[], context) => loadOwnedRows(ApiKey, ids, context),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    name: t.exposeString("name", { description: "A label, such as the script or stack that uses it." }),
    last4: t.exposeString("last4", { description: "The last four characters, to tell keys apart." }),
    scopes: t.exposeStringList("scopes", {
      description: "What it may do: apps:read, apps:write, grants:read, grants:write, webhooks:write, admin (all).",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was minted." }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it stops working; null if it never expires.",
      resolve: (apiKey) => apiKey.expiresAt ?? null,
    }),
    lastUsedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it last authenticated a request (to the minute); null if never.",
      resolve: (apiKey) => apiKey.lastUsedAt ?? null,
    }),
    revokedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it was revoked; null if it was not.",
      resolve: (apiKey) => apiKey.revokedAt ?? null,
    }),
    createdBy: t.loadable({
      type: MembershipNode,
      nullable: true,
      description:
        "The member who minted it; null when a script, another key or the CLI did, or when they left the organization.",
      // One query for every key of the response: the creators' memberships in this organization.
      load: async (userIds: string[], context) => {
        const rows = await context.em.find(
          Membership,
          { user: { $in: userIds }, organization: context.principal.organizationId },
          { populate: ["user"] },
        );
        const byUser = new Map(rows.map((row) => [row.user.id, row]));
        return userIds.map((id) => byUser.get(id) ?? null);
      },
      resolve: (apiKey) => apiKey.createdBy,
    }),
  }),
});

/** The filter of one `apiKeys` page, kept on the connection so totalCount counts the same rows. */
type Filtered = { readonly countWhere: Record<string, unknown> };

builder.queryFields((t) => ({
  apiKeys: t.connection(
    {
      type: ApiKeyNode,
      description: "The organization's API keys, oldest first.",
      authScopes: { apiKeyScope: "admin" },
      args: {
        includeRevoked: t.arg.boolean({
          required: false,
          defaultValue: false,
          description: "Also list revoked keys (default false).",
        }),
      },
      resolve: async (_root, args, context) => {
        const filter: Record<string, unknown> = { organization: context.principal.organizationId };
        if (!args.includeRevoked) filter.revokedAt = null;
        const connection = await paginate(args, ({ where, orderBy, limit }) =>
          readRows(context.em, ApiKey, { ...filter, ...where }, { orderBy: orderBy as never, limit }),
        );
        return Object.assign(connection, { countWhere: filter } satisfies Filtered);
      },
    },
    {
      description: "A page of API keys.",
      edgesField: { description: "The API keys of this page, each with its cursor." },
      fields: (c) => ({
        totalCount: c.int({
          description: "API keys matching the filter, across all pages.",
          resolve: (connection, _args, context) =>
            context.em.count(ApiKey, (connection as unknown as Filtered).countWhere),
        }),
      }),
    },
    { description: "An API key and its cursor.", nodeField: { description: "The API key." } },
  ),
}));
