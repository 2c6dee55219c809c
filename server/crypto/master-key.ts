import { createHash, randomBytes } from "node:crypto";
import { CryptoError } from "./errors.ts";

/** Bytes in a master key: AES-256. */
export const MASTER_KEY_BYTES = 32;

/**
 * Allowed master key ids. Kept to URL-safe characters without `.` or `:` because the id travels inside sealed
 * strings (`.`-separated) and the key list (`kid:key`).
 */
export const MASTER_KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The master keys envelope encryption uses: `active` seals, every key in `byId` (active included) opens. */
export type MasterKeyring = {
  readonly active: { readonly id: string; readonly key: Buffer };
  readonly byId: ReadonlyMap<string, Buffer>;
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses the master key setting (`LATCH_MASTER_KEY`) into a keyring. Accepts:
 *
 * - one standard base64 key of 32 bytes; its id is {@link masterKeyId} of the key;
 * - a comma-separated list of `kid:base64` entries (a bare `base64` entry gets the derived id). The FIRST entry is
 *   the active key that seals; the others only open, which is how a rotation keeps old rows readable until
 *   they are rewrapped. Whitespace around entries is ignored.
 *
 * @throws {CryptoError} `ERR_MASTER_KEY_INVALID` naming the entry and what is wrong with it, never the key.
 * @example
 * ```ts
 * const keyring = parseMasterKeys("2025b:q83v…=,2024a:Zm9v…="); // seals under 2025b, still opens 2024a rows
 * ```
 */
export function parseMasterKeys(value: string): MasterKeyring {
  const entries = value.split(",").map((entry) => entry.trim());
  const byId = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const { id, key } = parseEntry(entry, entries.length === 1 ? "master key" : `master key entry ${index + 1}`);
    if (byId.has(id)) throw invalid(`master key entry ${index + 1} repeats key id "${id}"`);
    byId.set(id, key);
  });
  const [activeId, activeKey] = byId.entries().next().value ?? [];
  if (activeId === undefined || activeKey === undefined) throw invalid("master key list is empty");
  return { active: { id: activeId, key: activeKey }, byId };
}

/**
 * A new random master key as standard base64 of 32 bytes, the single-key form {@link parseMasterKeys} accepts.
 */
export function generateMasterKey(): string {
  return randomBytes(MASTER_KEY_BYTES).toString("base64");
}

/**
 * The id of a master key given without one: the first 8 hex characters of its SHA-256. Stable across restarts,
 * and reveals nothing useful about the key.
 */
export function masterKeyId(key: Uint8Array): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

function parseEntry(entry: string, label: string): { id: string; key: Buffer } {
  if (entry === "") throw invalid(`${label} is empty`);
  const colon = entry.indexOf(":");
  const id = colon === -1 ? undefined : entry.slice(0, colon);
  if (id !== undefined && !MASTER_KEY_ID_PATTERN.test(id)) {
    throw invalid(`${label} has an invalid key id; use 1 to 64 characters of A-Z a-z 0-9 _ -`);
  }
  const key = decodeKey(colon === -1 ? entry : entry.slice(colon + 1), id === undefined ? label : `${label} ("${id}")`);
  return { id: id ?? masterKeyId(key), key };
}

function decodeKey(encoded: string, label: string): Buffer {
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
    throw invalid(`${label} is not standard base64 (A-Z a-z 0-9 + / with = padding)`);
  }
  const key = Buffer.from(encoded, "base64");
  if (key.length !== MASTER_KEY_BYTES) {
    throw invalid(`${label} must decode to ${MASTER_KEY_BYTES} bytes, not ${key.length}`);
  }
  return key;
}

function invalid(message: string): CryptoError {
  return new CryptoError("ERR_MASTER_KEY_INVALID", message);
}
