import { createHash, randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { deriveKey } from "../../crypto/derive-key.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { signPayload, verifyPayload } from "../../crypto/signed-payload.ts";

/** How long a WebAuthn challenge may be answered after the page that holds it was rendered. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

/** What a challenge is for, and whom it is bound to: a session (registration) or a browser (+ user at step two). */
export type ChallengeScope =
  | { readonly purpose: "register"; readonly sessionId: string }
  | { readonly purpose: "sign-in"; readonly anonymousId: string }
  | { readonly purpose: "second-factor"; readonly anonymousId: string; readonly userId: string };

const key = (keyring: MasterKeyring) => deriveKey(keyring, "webauthn challenge");

function bindingOf(scope: ChallengeScope): string {
  if (scope.purpose === "register") return scope.sessionId;
  if (scope.purpose === "sign-in") return scope.anonymousId;
  return `${scope.anonymousId}:${scope.userId}`;
}

/**
 * A fresh challenge (WebAuthn §13.4.3: random, at least 16 bytes) that is also a signed, short-lived statement of its
 * scope, so no row is written per rendered page: the server recognizes its own challenges when they come back in
 * `clientDataJSON`, and {@link spendChallenge} accepts each once.
 */
export function issueChallenge(keyring: MasterKeyring, scope: ChallengeScope, now: Date): string {
  return signPayload(
    key(keyring),
    { p: scope.purpose, b: bindingOf(scope), n: randomBytes(16).toString("base64url") },
    new Date(now.getTime() + PASSKEY_CHALLENGE_TTL_MS),
  );
}

/**
 * Whether `challenge` (base64url, as `clientDataJSON` carries it) is one {@link issueChallenge} made for `scope`
 * and still valid. The `expectedChallenge` check of a ceremony.
 */
export function challengeMatches(keyring: MasterKeyring, challenge: string, scope: ChallengeScope, now: Date): boolean {
  if (challenge.length > 2048) return false;
  const token = Buffer.from(challenge, "base64url").toString("utf8");
  const payload = verifyPayload<{ p?: unknown; b?: unknown }>(key(keyring), token, now);
  return payload !== null && payload.p === scope.purpose && payload.b === bindingOf(scope);
}

/**
 * Marks an answered challenge spent; false when it already was (a replayed response). Spent challenges are kept
 * until they would have expired anyway, and expired ones are swept here.
 */
export async function spendChallenge(em: EntityManager, challenge: string, now: Date): Promise<boolean> {
  const connection = em.getConnection();
  await connection.execute(`delete from "webauthn_spent_challenges" where "expires_at" < ?`, [now]);
  const hash = createHash("sha256").update(challenge).digest("base64url");
  const expiresAt = new Date(now.getTime() + PASSKEY_CHALLENGE_TTL_MS);
  const rows = await connection.execute<{ challenge_hash: string }[]>(
    `insert into "webauthn_spent_challenges" ("challenge_hash", "expires_at") values (?, ?) on conflict do nothing returning "challenge_hash"`,
    [hash, expiresAt],
  );
  return rows.length === 1;
}

/** The challenge a WebAuthn response answers (from its `clientDataJSON`), or null when unreadable. */
export function responseChallenge(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== "string" || clientDataJSON.length > 8192) return null;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    return typeof data.challenge === "string" ? data.challenge : null;
  } catch {
    return null;
  }
}
