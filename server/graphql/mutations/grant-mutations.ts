import type { Grant } from "../../db/entities/index.ts";
import { REVOKED_BY_ORGANIZATION } from "../../services/grants/grant-revocation.ts";
import { revokeApplicationGrants } from "../../services/grants/revoke-application-grants.ts";
import { revokeGrantCounted } from "../../services/grants/revoke-grant.ts";
import { builder } from "../builder.ts";
import { actorOf } from "../context.ts";
import { rowId } from "../global-id.ts";
import { GrantNode } from "../types/grant.ts";

const RevokeGrantPayload = builder.objectRef<{ grant: Grant; revokedCount: number }>("RevokeGrantPayload").implement({
  description: "The grant after revocation.",
  fields: (t) => ({
    grant: t.field({ type: GrantNode, description: "The revoked grant.", resolve: (p) => p.grant.id }),
    revokedCount: t.exposeInt("revokedCount", {
      description: "1 when this call revoked the grant, 0 when it was already revoked.",
    }),
  }),
});

const RevokeGrantsPayload = builder.objectRef<{ revokedCount: number }>("RevokeGrantsPayload").implement({
  description: "How many grants a bulk revocation revoked.",
  fields: (t) => ({
    revokedCount: t.exposeInt("revokedCount", {
      description: "Grants this call revoked; grants revoked before are not counted again.",
    }),
  }),
});

builder.mutationFields((t) => ({
  revokeGrant: t.field({
    type: RevokeGrantPayload,
    description:
      "Revokes a grant and every refresh token, access token and unused code issued under it, at once and for " +
      "every resource server that introspects. Idempotent.",
    errors: {},
    authScopes: { apiKeyScope: "grants:write" },
    args: { id: t.arg.globalID({ required: true, description: "The grant." }) },
    resolve: (_root, args, context) =>
      revokeGrantCounted(
        context.em,
        {
          grantId: rowId(args.id, "Grant"),
          scope: { organizationId: context.principal.organizationId },
          reason: REVOKED_BY_ORGANIZATION,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
  }),
  revokeUserGrants: t.field({
    type: RevokeGrantsPayload,
    description: "Revokes every active grant one user gave one app, with their tokens and unused codes. Idempotent.",
    errors: {},
    authScopes: { apiKeyScope: "grants:write" },
    args: {
      applicationId: t.arg.globalID({ required: true, description: "The app." }),
      userId: t.arg.string({
        required: true,
        description: "The user: their row id (`GrantUser.id`) or email address.",
      }),
    },
    resolve: async (_root, args, context) => ({
      revokedCount: await revokeApplicationGrants(
        context.em,
        context.runtime,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          user: args.userId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
    }),
  }),
  revokeApplicationGrants: t.field({
    type: RevokeGrantsPayload,
    description:
      "Revokes every active grant of an app, with their tokens and unused codes, at once; the app stays enabled and " +
      "users can consent again. Idempotent. Tokens are refused, and the grants read as revoked, from the answer on; " +
      "past 10,000 grants their rows and `grant.revoked` events are written by the worker within seconds.",
    errors: {},
    authScopes: { apiKeyScope: "grants:write" },
    args: { applicationId: t.arg.globalID({ required: true, description: "The app." }) },
    resolve: async (_root, args, context) => ({
      revokedCount: await revokeApplicationGrants(
        context.em,
        context.runtime,
        {
          applicationId: rowId(args.applicationId, "Application"),
          organizationId: context.principal.organizationId,
          actor: actorOf(context.principal),
        },
        context.now(),
      ),
    }),
  }),
}));
