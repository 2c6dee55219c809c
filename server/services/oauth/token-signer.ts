import type { EntityManager } from "@mikro-orm/postgresql";
import { importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { importSigningKey } from "../../crypto/signing-keys.ts";
import { SigningKey } from "../../db/entities/index.ts";
import { signingKeyAad } from "../ensure-signing-key.ts";

/** Signs and verifies the JWTs Latch issues (access tokens, ID tokens) with the active ES256 key. */
export type TokenSigner = {
  sign(payload: JWTPayload, typ: string): Promise<string>;
  /** Verifies signature, issuer, type and expiry; throws jose's errors on failure. */
  verify(token: string, typ: string): Promise<JWTPayload>;
  /** Forgets cached keys (after a rotation in this process). */
  reset(): void;
};

/** Other replicas' rotations reach this one within this long; the old key stays in the JWKS meanwhile. */
const ACTIVE_KEY_TTL_MS = 60_000;

type ActiveKey = { kid: string; key: CryptoKey; loadedAt: number };

export function createTokenSigner(deps: {
  em: () => EntityManager;
  keyring: MasterKeyring;
  issuer: string;
}): TokenSigner {
  let active: Promise<ActiveKey> | undefined;
  const publicKeys = new Map<string, Promise<CryptoKey | null>>();

  async function loadActive(): Promise<ActiveKey> {
    const row = await deps.em().findOneOrFail(SigningKey, { algorithm: "ES256", status: "active" });
    const pem = openString(deps.keyring, row.privateKeyEncrypted, signingKeyAad(row.kid));
    return {
      kid: row.kid,
      key: await importSigningKey({ algorithm: "ES256", privateKeyPkcs8Pem: pem }),
      loadedAt: Date.now(),
    };
  }

  async function activeKey(): Promise<ActiveKey> {
    const current = active ? await active.catch(() => undefined) : undefined;
    if (current && Date.now() - current.loadedAt < ACTIVE_KEY_TTL_MS) return current;
    active = loadActive();
    return active;
  }

  async function loadPublic(kid: string): Promise<CryptoKey | null> {
    const row = await deps.em().findOne(SigningKey, { kid });
    return row ? ((await importJWK(row.publicJwk as JWK, "ES256")) as CryptoKey) : null;
  }

  function publicKey(kid: string): Promise<CryptoKey | null> {
    let key = publicKeys.get(kid);
    if (!key) {
      key = loadPublic(kid);
      publicKeys.set(kid, key);
      // An unknown kid is remembered only briefly, so a forged kid cannot pin memory or hide a new key.
      void key.then((found) => (found ? undefined : setTimeout(() => publicKeys.delete(kid), 5_000).unref()));
      if (publicKeys.size > 1000) publicKeys.delete(publicKeys.keys().next().value!);
    }
    return key;
  }

  return {
    async sign(payload, typ) {
      const { kid, key } = await activeKey();
      return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid, typ }).sign(key);
    },
    async verify(token, typ) {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? await publicKey(header.kid) : null;
          if (!key) throw new Error("unknown signing key");
          return key;
        },
        { issuer: deps.issuer, typ, algorithms: ["ES256"] },
      );
      return payload;
    },
    reset() {
      active = undefined;
      publicKeys.clear();
    },
  };
}
