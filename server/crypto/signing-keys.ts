import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from "jose";
import { CryptoError } from "./errors.ts";

/** JWS algorithms Latch signs with: ES256 (RFC 9068's default pick for access tokens) and EdDSA (Ed25519). */
export type SigningAlgorithm = "ES256" | "EdDSA";

/** A freshly generated signing key as plain data, ready to store (seal `privateKeyPkcs8Pem` before it is). */
export type GeneratedSigningKey = {
  /** RFC 7638 SHA-256 JWK thumbprint: derived from the key, so the same key always gets the same kid. */
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  /** Public members only, plus `kid`, `alg` and `use: "sig"`. */
  readonly publicJwk: JWK;
  /** The private key, PKCS#8 PEM. Secret: envelope-encrypt it, never log it. */
  readonly privateKeyPkcs8Pem: string;
  readonly createdAt: Date;
};

/** Members that only private or symmetric JWKs carry (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"] as const;
/** Members published in a JWKS: key material of EC/OKP/RSA public keys and the metadata verifiers use. */
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e", "kid", "alg", "use", "key_ops"] as const;

/**
 * Generates a new JWT signing key pair for `alg` (ES256 on P-256, EdDSA on Ed25519).
 *
 * @example
 * ```ts
 * const key = await generateSigningKey("ES256", now);
 * row.privateKeyEncrypted = seal(keyring, key.privateKeyPkcs8Pem, `signing_key:${key.kid}`);
 * ```
 */
export async function generateSigningKey(alg: SigningAlgorithm, now: Date): Promise<GeneratedSigningKey> {
  if (alg !== "ES256" && alg !== "EdDSA") {
    throw new CryptoError("ERR_SIGNING_KEY_INVALID", `signing algorithm must be ES256 or EdDSA, not "${alg}"`);
  }
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return {
    kid,
    algorithm: alg,
    publicJwk: { ...pickPublicMembers(jwk), kid, alg, use: "sig" },
    privateKeyPkcs8Pem: await exportPKCS8(privateKey),
    createdAt: now,
  };
}

/**
 * Builds a JWK Set (RFC 7517 §5) from stored public JWKs, copying only public members, so a private key that
 * reached a `publicJwk` column by mistake is still never published.
 *
 * @throws {CryptoError} `ERR_SIGNING_KEY_INVALID` when a key has no `kid` (verifiers select keys by it) or is a
 *   symmetric (`oct`) key, which has no public half.
 */
export function toJwks(publicJwks: readonly JWK[]): { keys: JWK[] } {
  const keys = publicJwks.map((jwk, index) => {
    if (typeof jwk.kid !== "string" || jwk.kid === "") {
      throw new CryptoError("ERR_SIGNING_KEY_INVALID", `JWKS key ${index} has no "kid"`);
    }
    if (jwk.kty === "oct") throw new CryptoError("ERR_SIGNING_KEY_INVALID", `JWKS key "${jwk.kid}" is symmetric`);
    return pickPublicMembers(jwk);
  });
  for (const key of keys) {
    // Belt and braces over the allowlist: publishing private material is the one unrecoverable mistake here.
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      throw new CryptoError("ERR_SIGNING_KEY_INVALID", `JWKS key "${key.kid}" would publish a private member`);
    }
  }
  return { keys };
}

function pickPublicMembers(jwk: JWK): JWK {
  const picked: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) picked[member] = jwk[member];
  return picked as JWK;
}
