import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import type { UpstreamProfile } from "../../connections/login/fetch-login-profile.ts";
import { ExternalIdentity, type IdentityProviderKind, User } from "../../db/entities/index.ts";
import { mfaRequiredByPolicy } from "../mfa/mfa-policy.ts";
import { hasConfirmedTotp } from "../mfa/totp-status.ts";
import { recordEvent } from "../record-event.ts";
import { endSession } from "../sessions/end-session.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { signInUser } from "../sessions/sign-in-user.ts";

const MAX_EMAIL_LENGTH = 320;
const MAX_NAME_LENGTH = 200;

export type UpstreamSignInInput = {
  readonly provider: {
    readonly id: string;
    readonly kind: IdentityProviderKind;
    readonly applicationId: string;
    readonly organizationId: string;
  };
  readonly profile: UpstreamProfile;
  /**
   * Whether Latch believes this provider's "email verified" (see `providerVouchesForEmail`): when not, the address
   * links no existing account and a new account keeps it unverified.
   */
  readonly providerVouchesForEmail: boolean;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The session cookie this browser already holds: it ends, as on a password sign-in. */
  readonly previousSessionToken: string | null | undefined;
  /** The absolute session timeout (config.sessionPolicy); the default when not given. */
  readonly absoluteTimeoutMs?: number;
};

/** Why an upstream account could not be signed in; stable, recorded as the `user.login_failed` reason. */
export type UpstreamSignInRefusal =
  /** The upstream gave no usable email address, and the account is not linked yet. */
  | "email_missing"
  /** The address belongs to a Latch account but the upstream does not vouch for it: linking would be a takeover. */
  | "email_not_verified"
  /**
   * The address belongs to a Latch account whose own address was never verified (created through a provider that
   * did not vouch for it): linking would hand a squatted account to its rightful owner, or the reverse.
   */
  | "account_email_unverified"
  /** Another sign-in created or linked the same account or address at the same moment. */
  | "email_conflict";

export type UpstreamSignInResult =
  | {
      readonly ok: true;
      readonly token: string;
      readonly sessionId: string;
      readonly expiresAt: Date;
      readonly userId: string;
      readonly outcome: "existing" | "linked" | "created";
    }
  /**
   * The upstream vouched for the person, but the account has an authenticator app (`verify`) or, under an
   * organization's policy, must add one (`enrol`): the second step (services/mfa) signs them in, as after a password.
   * The link (or new account) is kept; no session exists yet and the browser's previous one still stands.
   */
  | {
      readonly ok: "second_factor";
      readonly step: "verify" | "enrol";
      readonly userId: string;
      readonly outcome: "existing" | "linked" | "created";
    }
  | { readonly ok: false; readonly reason: UpstreamSignInRefusal };

/**
 * Signs in the person an upstream provider vouched for. The account is found by its link (issuer, subject); else an
 * existing user is linked only when the upstream says the email is verified and Latch trusts it to say so (never on
 * an unverified one: anyone can claim an address upstream) and the user's own address is verified too (no
 * pre-hijacked account is handed over); else a user is created with that verification and no password.
 *
 * Writes in one transaction: the user and link when new, the session (ending the browser's previous one),
 * `lastLoginAt`, `user.created` and `user.signed_in`. A refusal writes nothing: the caller records it. An account
 * with a second factor (or required to have one) gets no session here, like a password sign-in.
 */
export async function signInWithUpstream(
  em: EntityManager,
  input: UpstreamSignInInput,
  now: Date,
): Promise<UpstreamSignInResult> {
  try {
    return await em.transactional((tx) => signIn(tx, input, now));
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return { ok: false, reason: "email_conflict" };
    throw error;
  }
}

async function signIn(tx: EntityManager, input: UpstreamSignInInput, now: Date): Promise<UpstreamSignInResult> {
  const { provider } = input;
  const profile = { ...input.profile, emailVerified: input.profile.emailVerified && input.providerVouchesForEmail };
  const scope = { organizationId: provider.organizationId, applicationId: provider.applicationId };
  const identity = await tx.findOne(ExternalIdentity, { issuer: profile.issuer, subject: profile.subject });
  let userId: string;
  let outcome: "existing" | "linked" | "created";
  if (identity) {
    userId = identity.user.id;
    outcome = "existing";
    tx.assign(identity, { lastUsedAt: now, provider: provider.id, ...(profile.email && { email: profile.email }) });
  } else {
    const email = usableEmail(profile.email);
    if (email === null) return { ok: false, reason: "email_missing" };
    const existing = await tx.findOne(User, { emailNormalized: normalizeEmail(email) });
    if (existing && !profile.emailVerified) return { ok: false, reason: "email_not_verified" };
    if (existing && !existing.emailVerified) return { ok: false, reason: "account_email_unverified" };
    const user = existing ?? createUser(tx, email, profile, now);
    userId = user.id;
    outcome = existing ? "linked" : "created";
    tx.create(ExternalIdentity, {
      user,
      provider: provider.id,
      kind: provider.kind,
      issuer: profile.issuer,
      subject: profile.subject,
      email,
      displayName: profile.name?.slice(0, MAX_NAME_LENGTH) ?? null,
      createdAt: now,
      lastUsedAt: now,
    });
    if (!existing) {
      recordEvent(
        tx,
        {
          type: "user.created",
          ...scope,
          subjectType: "user",
          subjectId: user.id,
          actor: { type: "user", id: user.id },
          payload: { email: user.email, method: "upstream", kind: provider.kind, identityProviderId: provider.id },
        },
        now,
      );
    }
    await tx.flush();
  }
  const step = (await hasConfirmedTotp(tx, userId))
    ? "verify"
    : (await mfaRequiredByPolicy(tx, userId))
      ? "enrol"
      : null;
  if (step) {
    await tx.flush();
    return { ok: "second_factor", step, userId, outcome };
  }
  await endSession(tx, input.previousSessionToken, now);
  const session = await signInUser(
    tx,
    {
      userId,
      authMethod: provider.kind,
      ip: input.ip,
      userAgent: input.userAgent,
      ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
    },
    {
      ...scope,
      payload: {
        method: "upstream",
        kind: provider.kind,
        identityProviderId: provider.id,
        ...(outcome === "linked" && { linked: true }),
      },
    },
    now,
  );
  await tx.flush();
  return { ok: true, ...session, userId, outcome };
}

function createUser(tx: EntityManager, email: string, profile: UpstreamProfile, now: Date): User {
  return tx.create(User, {
    email,
    emailNormalized: normalizeEmail(email),
    emailVerified: profile.emailVerified,
    displayName: (profile.name ?? email.split("@")[0] ?? email).slice(0, MAX_NAME_LENGTH),
    avatarUrl: null,
    passwordHash: null,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  });
}

/** An address the users table can hold (PostgreSQL text refuses NUL; the login form caps at 320). */
function usableEmail(email: string | null): string | null {
  if (email === null || email.length > MAX_EMAIL_LENGTH || email.includes("\0") || !email.includes("@")) return null;
  return email;
}
