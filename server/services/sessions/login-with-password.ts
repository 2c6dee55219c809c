import type { EntityManager } from "@mikro-orm/postgresql";
import { MAX_PASSWORD_LENGTH, verifyPassword, verifyPasswordAgainstNothing } from "../../crypto/password.ts";
import { User } from "../../db/entities/index.ts";
import { mfaRequiredByPolicy } from "../mfa/mfa-policy.ts";
import { hasConfirmedTotp } from "../mfa/totp-status.ts";
import { hasPasskey } from "../passkeys/list-passkeys.ts";
import { recordEvent } from "../record-event.ts";
import { signInUser } from "./sign-in-user.ts";

export type LoginWithPasswordInput = {
  readonly email: string;
  readonly password: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The absolute session timeout (config.sessionPolicy); the default when not given. */
  readonly absoluteTimeoutMs?: number;
};

export type LoginWithPasswordResult =
  | {
      readonly ok: true;
      /** The session cookie value, returned once. */
      readonly token: string;
      readonly sessionId: string;
      readonly expiresAt: Date;
      readonly user: { readonly id: string; readonly email: string; readonly displayName: string };
    }
  /**
   * The password was right but the user must still prove a second factor (`verify`: their authenticator app or a
   * recovery code) or, under an organization's policy, set one up first (`enrol`): no session yet.
   */
  | { readonly ok: "second_factor"; readonly step: "verify" | "enrol"; readonly userId: string }
  | { readonly ok: false };

/** The form of an email address that uniqueness and login compare: trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Signs a user in with email and password. Success and failure are told apart only by `ok`: an unknown email, a
 * user without a password (upstream login only) and a wrong password all fail the same way and take the same
 * argon2 time, so neither the answer nor its timing reveals which emails have accounts.
 *
 * Writes, in one transaction: on success the session, `lastLoginAt` and `user.signed_in`; on failure
 * `user.login_failed` (never with the password). A user with an authenticator app, or whose organization requires
 * one of its admins, gets no session here: the second step (services/mfa) signs them in.
 */
export async function loginWithPassword(
  em: EntityManager,
  input: LoginWithPasswordInput,
  now: Date,
): Promise<LoginWithPasswordResult> {
  const emailNormalized = normalizeEmail(input.email);
  // PostgreSQL text cannot hold NUL: such an address cannot exist, and must not reach the query (a 500).
  const lookup = emailNormalized !== "" && !emailNormalized.includes("\0") && emailNormalized.length <= 320;
  const user = lookup ? await em.findOne(User, { emailNormalized }) : null;
  const valid = await checkPassword(user?.passwordHash ?? null, input.password);
  return em.transactional(async (tx) => {
    if (!user || !valid) {
      recordEvent(
        tx,
        {
          type: "user.login_failed",
          subjectType: "user",
          subjectId: user?.id ?? null,
          actor: { type: "user", id: user?.id ?? null },
          payload: { reason: "bad_credentials" },
        },
        now,
      );
      await tx.flush();
      return { ok: false };
    }
    if ((await hasConfirmedTotp(tx, user.id)) || (await hasPasskey(tx, user.id)))
      return { ok: "second_factor", step: "verify", userId: user.id } as const;
    if (await mfaRequiredByPolicy(tx, user.id)) return { ok: "second_factor", step: "enrol", userId: user.id } as const;
    const session = await signInUser(
      tx,
      {
        userId: user.id,
        authMethod: "password",
        ip: input.ip,
        userAgent: input.userAgent,
        ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
      },
      { payload: { method: "password" } },
      now,
    );
    await tx.flush();
    return {
      ok: true,
      token: session.token,
      sessionId: session.sessionId,
      expiresAt: session.expiresAt,
      user: { id: user.id, email: user.email, displayName: user.displayName },
    };
  });
}

async function checkPassword(storedHash: string | null, password: string): Promise<boolean> {
  // Refused before argon2 either way, so an over-long password costs nothing and still reveals nothing.
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (storedHash === null) return verifyPasswordAgainstNothing(password);
  return verifyPassword(storedHash, password);
}
