import { deriveKey } from "../crypto/derive-key.ts";
import type { HttpDeps } from "./deps.ts";

/** How long a consent form stays valid: long enough to read it, short enough that a leaked form is useless. */
export const CONSENT_REQUEST_TTL_MS = 10 * 60_000;

/** The key that signs a consent form's request id (the authorize page signs, the decision verifies). */
export function consentRequestKey(deps: HttpDeps): Buffer {
  return deriveKey(deps.keyring, "consent request v1");
}
