import { randomBytes } from "node:crypto";
import { type Algorithm, hash, type Options, verify } from "@node-rs/argon2";
import { CryptoError } from "./errors.ts";

/** Longest password accepted, in UTF-16 code units. Longer ones are refused before argon2 sees them. */
export const MAX_PASSWORD_LENGTH = 1024;

// The binding types Algorithm as an ambient const enum, which type stripping cannot inline; 2 is its Argon2id.
const ARGON2ID: Algorithm.Argon2id = 2;

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommendation: 19 MiB, 2 passes, 1 lane.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 */
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Hashes a user password with argon2id; returns the PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store.
 *
 * @throws {CryptoError} `ERR_PASSWORD_TOO_LONG` over {@link MAX_PASSWORD_LENGTH} characters.
 */
export async function hashPassword(password: string): Promise<string> {
  assertLength(password);
  return hash(password, OPTIONS);
}

/**
 * Whether `password` matches a stored argon2id hash. Parameters are read from the hash, so hashes made under
 * older parameters still verify.
 *
 * @throws {CryptoError} `ERR_PASSWORD_TOO_LONG` over {@link MAX_PASSWORD_LENGTH} characters (it cannot match: no
 *   such password was ever hashed); `ERR_PASSWORD_HASH_INVALID` when `storedHash` is not an argon2id PHC string.
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  assertLength(password);
  // Only argon2id: a weaker variant or a hash from another scheme in the column is a bug to surface, not to accept.
  if (!storedHash.startsWith("$argon2id$")) {
    throw new CryptoError("ERR_PASSWORD_HASH_INVALID", "stored password hash is not an argon2id PHC string");
  }
  try {
    return await verify(storedHash, password);
  } catch {
    throw new CryptoError("ERR_PASSWORD_HASH_INVALID", "stored password hash could not be parsed as argon2id");
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one {@link verifyPassword} and resolves to false. Login calls it when no account has the
 * given email, so response times do not reveal which emails are registered.
 *
 * @throws {CryptoError} `ERR_PASSWORD_TOO_LONG`, as {@link verifyPassword} would.
 */
export async function verifyPasswordAgainstNothing(password: string): Promise<false> {
  assertLength(password);
  // Made once, lazily, with the same parameters as real hashes so verifying against it costs the same.
  dummyHash ??= hash(randomBytes(32).toString("base64url"), OPTIONS);
  await verify(await dummyHash, password);
  return false;
}

function assertLength(password: string): void {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new CryptoError("ERR_PASSWORD_TOO_LONG", `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}
