import { deriveKey } from "../crypto/derive-key.ts";
import type { MasterKeyring } from "../crypto/master-key.ts";
import { signPayload, verifyPayload } from "../crypto/signed-payload.ts";

/**
 * The query parameter the authorization endpoint adds to its own URL when it sends the person to sign in again
 * (`prompt=login`, `max_age`): when the sign-in began, signed, so that a session authenticated since satisfies the
 * request on its way back. Clients never send it; one that does sends an unverifiable value, which counts as absent.
 */
export const REAUTHENTICATION_PARAM = "latch_reauth";

/** The round trip through the login page (and a second step) must end within this. */
const MARKER_TTL_MS = 15 * 60_000;

const key = (keyring: MasterKeyring) => deriveKey(keyring, "reauthentication marker v1");

/** The authorization URL `url`, marked as having sent the person to sign in again at `now`. */
export function markReauthentication(keyring: MasterKeyring, url: URL, clientId: string, now: Date): string {
  const marked = new URL(url);
  const marker = signPayload(
    key(keyring),
    { t: now.getTime(), cid: clientId },
    new Date(now.getTime() + MARKER_TTL_MS),
  );
  marked.searchParams.set(REAUTHENTICATION_PARAM, marker);
  return `${marked.pathname}${marked.search}`;
}

/** When this request last sent the person to sign in again, or undefined (no marker, forged, expired, other app). */
export function readReauthentication(
  keyring: MasterKeyring,
  params: URLSearchParams,
  clientId: string,
  now: Date,
): Date | undefined {
  const values = params.getAll(REAUTHENTICATION_PARAM);
  if (values.length !== 1 || values[0]!.length > 512) return undefined;
  const payload = verifyPayload<{ t?: unknown; cid?: unknown }>(key(keyring), values[0]!, now);
  if (!payload || typeof payload.t !== "number" || payload.cid !== clientId) return undefined;
  return new Date(payload.t);
}
