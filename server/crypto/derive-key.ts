import { hkdfSync } from "node:crypto";
import type { MasterKeyring } from "./master-key.ts";

/**
 * A 32-byte key for one purpose, derived from the active master key with HKDF-SHA256 (RFC 5869), so CSRF tokens,
 * signed request ids and other MACs never share a key with each other or with envelope encryption.
 */
export function deriveKey(keyring: MasterKeyring, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", keyring.active.key, Buffer.alloc(0), `latch ${purpose}`, 32));
}

/**
 * The HMAC key of the HTML forms' CSRF tokens (server/http/csrf.ts): HKDF-SHA256 of the active master key with info
 * "latch csrf v1". Derived once, by createRuntime (server/runtime.ts), and read from the runtime by the routes.
 */
export function csrfKey(keyring: MasterKeyring): Buffer {
  return deriveKey(keyring, "csrf v1");
}
