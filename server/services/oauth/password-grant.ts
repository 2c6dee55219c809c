import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { verifyPassword, verifyPasswordAgainstNothing } from "../../crypto/password.ts";
import { Membership, User } from "../../db/entities/index.ts";
import { InvalidGrantError } from "../../oauth/errors.ts";
import { decidePasswordGrant } from "../../oauth/grants/password.ts";
import { mfaRequiredByPolicy } from "../mfa/mfa-policy.ts";
import { hasConfirmedTotp } from "../mfa/totp-status.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import { ensureGrant } from "./ensure-grant.ts";
import { type IssuerDeps, issueTokenSet, type TokenSet } from "./issue-token-set.ts";

/**
 * The resource owner password grant (RFC 6749 §4.3), only for apps that opted in. The same message and the same
 * argon2 work for an unknown user and a wrong password, so the endpoint cannot be used to find accounts.
 */
export async function passwordGrant(
  em: EntityManager,
  deps: IssuerDeps,
  input: {
    client: ClientRecord;
    username: string | undefined;
    password: string | undefined;
    scopes: readonly string[];
  },
  now: Date,
): Promise<TokenSet> {
  const { scopes } = decidePasswordGrant({
    client: input.client,
    requestedScopes: input.scopes,
    username: input.username,
    password: input.password,
  });
  const email = input.username!.trim().toLowerCase();
  // A NUL cannot be in PostgreSQL text (the query would be a 500): no such user, same argon2 work below.
  const user = email.includes("\0") ? null : await em.findOne(User, { emailNormalized: email });
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password!).catch(() => false)
    : await verifyPasswordAgainstNothing(input.password!).catch(() => false);
  const actor = { type: "client" as const, id: input.client.clientId };
  if (!user || !valid) {
    await em.transactional(async (tx) => {
      recordEvent(
        tx,
        {
          type: "user.login_failed",
          organizationId: input.client.organizationId,
          applicationId: input.client.id,
          subjectType: "user",
          subjectId: user?.id ?? null,
          actor,
          payload: { method: "password_grant", reason: "bad_credentials" },
        },
        now,
      );
    });
    throw new InvalidGrantError("invalid username or password");
  }
  // The password grant has no second step: an account that signs in with a second factor must use a browser flow.
  if ((await hasConfirmedTotp(em, user.id)) || (await mfaRequiredByPolicy(em, user.id))) {
    throw new InvalidGrantError("this account signs in with a second factor: use the authorization code flow");
  }
  return em.transactional(async (tx) => {
    const member = await tx.count(Membership, { user: user.id, organization: input.client.organizationId });
    const grant = await ensureGrant(
      tx,
      {
        userId: user.id,
        client: input.client,
        organizationId: member ? input.client.organizationId : null,
        scopes,
        permissions: null,
        actor,
      },
      now,
    );
    recordEvent(
      tx,
      {
        type: "user.signed_in",
        organizationId: input.client.organizationId,
        applicationId: input.client.id,
        subjectType: "user",
        subjectId: user.id,
        actor,
        payload: { method: "password" },
      },
      now,
    );
    return issueTokenSet(
      tx,
      deps,
      {
        client: input.client,
        user: { id: user.id, email: { email: user.email, emailVerified: user.emailVerified } },
        grantId: grant.id,
        workspaceId: grant.organization?.id ?? null,
        scopes,
        refresh: input.client.grantTypes.includes("refresh_token") ? { familyId: randomUUID(), parentId: null } : null,
        authorizationCodeId: null,
        idToken: { nonce: null, authTime: now, amr: ["pwd"] },
      },
      now,
    );
  });
}
