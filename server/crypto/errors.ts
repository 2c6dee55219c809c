/**
 * Every failure code the crypto layer raises. Callers branch on these, never on message text, so they are
 * part of the module's contract and must not be renamed.
 */
export type CryptoErrorCode =
  /** A sealed value failed authentication: a byte was changed, the AAD differs or the master key is wrong. */
  | "ERR_ENVELOPE_TAMPERED"
  /** A sealed value names a master key id the keyring does not hold (retired or never configured). */
  | "ERR_ENVELOPE_UNKNOWN_KEY"
  /** A sealed value is not in the envelope format at all (segments, version, encoding or lengths). */
  | "ERR_ENVELOPE_MALFORMED"
  /** A sealed value opened fine but its plaintext is not UTF-8, so it cannot be returned as a string. */
  | "ERR_ENVELOPE_NOT_TEXT"
  /** The master key setting cannot be parsed into a keyring. */
  | "ERR_MASTER_KEY_INVALID"
  /** A password is longer than Latch will hash; refused before hashing to keep argon2 from being a DoS lever. */
  | "ERR_PASSWORD_TOO_LONG"
  /** A stored password hash is not an argon2id PHC string. */
  | "ERR_PASSWORD_HASH_INVALID"
  /** A secret prefix is not one of `SECRET_PREFIXES`. */
  | "ERR_SECRET_PREFIX_UNKNOWN"
  /** A signing key cannot be generated, imported or published as asked. */
  | "ERR_SIGNING_KEY_INVALID";

/**
 * The one error class of `server/crypto`. `code` is stable; `message` is one precise sentence that names what is
 * wrong and never contains key material, plaintext or secrets (it may reach logs).
 *
 * @example
 * ```ts
 * try { open(keyring, row.secret, `upstream:${row.id}`) }
 * catch (error) { if (error instanceof CryptoError && error.code === "ERR_ENVELOPE_UNKNOWN_KEY") ... }
 * ```
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = "CryptoError";
    this.code = code;
  }
}
