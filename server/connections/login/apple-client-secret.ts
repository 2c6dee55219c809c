import { importPKCS8, SignJWT } from "jose";

/**
 * How long a minted secret lives. Apple accepts up to six months; one is minted for each token request, so minutes
 * are plenty and a leaked one is soon worthless.
 */
const LIFETIME_SECONDS = 300;

/** The developer's Sign in with Apple key (the .p8 file, PKCS #8 PEM of a P-256 key) and the ids Apple gave it. */
export type AppleSigningKey = {
  readonly teamId: string;
  readonly keyId: string;
  readonly privateKeyPem: string;
};

/**
 * Sign in with Apple's client secret (Apple, "Creating a client secret"; the claims of RFC 7523 §3): an ES256 JWT
 * from the team, about the Services ID, for Apple's issuer, with the key's id in its header.
 */
export async function signAppleClientSecret(
  key: AppleSigningKey,
  clientId: string,
  audience: string,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: key.keyId })
    .setIssuer(key.teamId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .sign(await importPKCS8(key.privateKeyPem, "ES256"));
}

/** True when `pem` is a P-256 private key jose can sign ES256 with. */
export async function isAppleSigningKey(pem: string): Promise<boolean> {
  try {
    await importPKCS8(pem, "ES256");
    return true;
  } catch {
    return false;
  }
}
