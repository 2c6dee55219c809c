import type { EntityManager } from "@mikro-orm/postgresql";
import { DEFAULT_SESSION_POLICY } from "../../config.ts";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Session, User } from "../../db/entities/index.ts";

/**
 * Default absolute lifetime of a browser session (LATCH_SESSION_ABSOLUTE_TIMEOUT's default): it is never extended,
 * so a stolen cookie stops working within this.
 */
export const SESSION_TTL_MS = DEFAULT_SESSION_POLICY.absoluteTimeoutMs;

/** Longest user agent stored; the header is attacker-chosen and only informational. */
const MAX_USER_AGENT_LENGTH = 512;

export type CreateSessionInput = {
  readonly userId: string;
  /** `password`, or the upstream provider kind. */
  readonly authMethod: string;
  /** The second factor proved after `authMethod` (`totp`, `recovery_code`), if any. */
  readonly secondFactor?: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The absolute timeout (config.sessionPolicy); {@link SESSION_TTL_MS} when not given. */
  readonly absoluteTimeoutMs?: number;
};

export type CreatedSession = {
  readonly sessionId: string;
  /** The cookie value (`latch_ss_…`): returned once; the row holds only its SHA-256. */
  readonly token: string;
  readonly expiresAt: Date;
};

/** Starts a browser session for a user who just authenticated. Flushes (inside the caller's transaction, if any). */
export async function createSession(em: EntityManager, input: CreateSessionInput, now: Date): Promise<CreatedSession> {
  const token = mintSecret(SECRET_PREFIXES.browserSession);
  const expiresAt = new Date(now.getTime() + (input.absoluteTimeoutMs ?? SESSION_TTL_MS));
  const session = em.create(Session, {
    user: em.getReference(User, input.userId),
    tokenHash: hashSecret(token),
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
    ipAddress: input.ip,
    userAgent: input.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    authMethod: input.authMethod,
    secondFactor: input.secondFactor ?? null,
  });
  await em.flush();
  return { sessionId: session.id, token, expiresAt };
}
