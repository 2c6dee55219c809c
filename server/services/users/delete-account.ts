import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import type { UpstreamNetwork } from "../../connections/upstream-request.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { Application, Connection, Grant, IntegrationCredential, Membership, User } from "../../db/entities/index.ts";
import type { Logger } from "../../logger.ts";
import { revokeConnectionUpstream } from "../connections/revoke-upstream.ts";
import { NotFoundError } from "../errors.ts";
import { revokeGrantRows } from "../grants/revoke-grant-rows.ts";
import { recordEvent } from "../record-event.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { checkCurrentPassword } from "./current-password.ts";
import { recordUserEvent, userEventScopes } from "./record-user-event.ts";

export type DeleteAccountDeps = {
  readonly keyring: MasterKeyring;
  readonly network: UpstreamNetwork;
  readonly logger?: Logger;
};

export type DeleteAccountResult =
  | { readonly ok: true; readonly revokedGrants: number; readonly deletedConnections: number }
  | { readonly ok: false; readonly problem: "confirmation"; readonly message: string }
  /** The user is the only owner of these workspaces: someone else must own them first, or they must go. */
  | { readonly ok: false; readonly problem: "last_owner"; readonly organizations: readonly string[] };

/** The reason recorded on the grants an account's deletion revokes. */
export const ACCOUNT_DELETED = "account_deleted";

/**
 * Deletes a user's account, once they confirm it by typing their email address or their password. Refused while the
 * user is the last owner of a workspace (it would be left with no one able to manage it). In one transaction: every
 * active grant is revoked with its tokens and codes (`grant.revoked` each), every integration connection is revoked at
 * its upstream when it can be and deleted (`connection.disconnected` each), `user.deleted` is recorded for every app
 * and workspace that knew the user, and the user row is deleted, its sessions, memberships, links and identities with
 * it (the foreign keys cascade; the token-state trigger tells every process's cache).
 */
export async function deleteAccount(
  em: EntityManager,
  deps: DeleteAccountDeps,
  input: { readonly userId: string; readonly confirmation: string },
  now: Date,
): Promise<DeleteAccountResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const typed = input.confirmation.trim();
  const confirmed =
    typed !== "" &&
    (normalizeEmail(typed) === user.emailNormalized || (await checkCurrentPassword(user, input.confirmation)) === null);
  if (!confirmed) {
    return {
      ok: false,
      problem: "confirmation",
      message: "Type your email address or your password exactly to confirm.",
    };
  }
  return em.transactional(async (tx) => {
    await tx.findOne(User, { id: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const lastOwned = await soleOwnerships(tx, user.id);
    if (lastOwned.length > 0) return { ok: false, problem: "last_owner", organizations: lastOwned } as const;
    const scopes = await userEventScopes(tx, user.id);
    const revokedGrants = await revokeAllGrants(tx, user.id, now);
    const deletedConnections = await dropConnections(tx, deps, user.id, now);
    recordUserEvent(
      tx,
      scopes,
      {
        type: "user.deleted",
        userId: user.id,
        actor: { type: "user", id: user.id },
        payload: { revokedGrants, deletedConnections },
      },
      now,
    );
    await tx.flush();
    await tx.nativeDelete(User, { id: user.id });
    return { ok: true, revokedGrants, deletedConnections } as const;
  });
}

/** Names of the workspaces `userId` is the only owner of (locked, so a concurrent demotion cannot slip past). */
async function soleOwnerships(tx: EntityManager, userId: string): Promise<string[]> {
  const owned = await tx.find(
    Membership,
    { user: userId, role: "owner" },
    { populate: ["organization"], lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const names: string[] = [];
  for (const membership of owned) {
    const owners = await tx.count(Membership, { organization: membership.organization.id, role: "owner" });
    if (owners <= 1) names.push(membership.organization.getEntity().name);
  }
  return names.sort();
}

async function revokeAllGrants(tx: EntityManager, userId: string, now: Date): Promise<number> {
  // FOR NO KEY UPDATE, as revokeGrant locks one: a refresh in flight only takes FOR KEY SHARE on its grant.
  await tx.execute("select 1 from grants where user_id = ? and revoked_at is null for no key update", [userId]);
  const grants = await tx.find(Grant, { user: userId, revokedAt: null });
  const applications = await tx.find(Application, { id: { $in: [...new Set(grants.map((g) => g.application.id))] } });
  const organizationOf = new Map(applications.map((app) => [app.id, app.organization.id]));
  const byOrganization = new Map<string, Grant[]>();
  for (const grant of grants) {
    const organizationId = organizationOf.get(grant.application.id);
    if (!organizationId) continue;
    byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), grant]);
  }
  let revoked = 0;
  for (const [organizationId, group] of byOrganization) {
    revoked += await revokeGrantRows(
      tx,
      { grants: group, organizationId, reason: ACCOUNT_DELETED, actor: { type: "user", id: userId } },
      now,
    );
  }
  await tx.flush();
  return revoked;
}

async function dropConnections(tx: EntityManager, deps: DeleteAccountDeps, userId: string, now: Date) {
  const rows = await tx.find(Connection, { user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  for (const row of rows) {
    const integration = await tx.findOne(IntegrationCredential, { id: row.integration.id });
    if (!integration) continue;
    // A refused or unanswered revocation is logged by revokeConnectionUpstream; the tokens are deleted here either way.
    const upstreamRevocation =
      row.status === "revoked"
        ? "not_supported"
        : await revokeConnectionUpstream(deps.keyring, deps.network, integration, row, deps.logger);
    recordEvent(
      tx,
      {
        type: "connection.disconnected",
        organizationId: integration.organization.id,
        subjectType: "connection",
        subjectId: row.id,
        actor: { type: "user", id: userId },
        payload: {
          connectionId: row.id,
          integrationId: integration.id,
          userId,
          upstreamRevocation,
          reason: ACCOUNT_DELETED,
        },
      },
      now,
    );
  }
  await tx.nativeDelete(Connection, { user: userId });
  return rows.length;
}
