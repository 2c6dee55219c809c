import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as signBytes,
  verify as verifyBytes,
} from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { JWK, JWTPayload } from "jose";
import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { signingKeyAad } from "../../crypto/secret-aad.ts";
import { SigningKey } from "../../db/entities/index.ts";

/** Signs and verifies the JWTs Latch issues (access tokens, ID tokens) with the active ES256 key. */
export type TokenSigner = {
  sign(payload: JWTPayload, typ: string): Promise<string>;
  /** Verifies signature, issuer, type, and expiry and not-before against `now`; throws on any failure. */
  verify(token: string, typ: string, now: Date): Promise<JWTPayload>;
  /** Forgets cached keys (after a rotation in this process). */
  reset(): void;
};

/** Other replicas' rotations reach this one within this long; the old key stays in the JWKS meanwhile. */
const ACTIVE_KEY_TTL_MS = 60_000;

type ActiveKey = { kid: string; key: KeyObject; loadedAt: number; headers: Map<string, string> };

class JwtError extends Error {
  override name = "JwtError";
}

/**
 * Verified tokens remembered (their signature is not computed again; expiry is checked on every use). Bounded, oldest
 * out first: at ~1 KB each, a few MB.
 */
const MAX_VERIFIED = 5000;

/** The time claims, against the caller's clock: checked on every verification, remembered or not. */
function checkTimes(payload: JWTPayload, at: Date): void {
  const now = Math.floor(at.getTime() / 1000);
  if (payload.exp !== undefined && (typeof payload.exp !== "number" || payload.exp <= now)) {
    throw new JwtError("expired");
  }
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now)) {
    throw new JwtError("not yet valid");
  }
}

/**
 * JWS wants raw r||s (RFC 7518 §3.4); node:crypto signs DER. Passing the bare KeyObject (DER) and converting here
 * costs a third of asking node:crypto for `dsaEncoding: "ieee-p1363"` (its options-object path re-prepares the key
 * on every call).
 */
function derToJose(der: Buffer): Buffer {
  // SEQUENCE { INTEGER r, INTEGER s }; a P-256 signature is under 128 bytes, so lengths are single bytes.
  let offset = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const out = Buffer.alloc(64);
  for (let i = 0; i < 2; i++) {
    if (der[offset] !== 0x02) throw new JwtError("malformed DER signature");
    const length = der[offset + 1]!;
    let start = offset + 2;
    let size = length;
    while (size > 32 && der[start] === 0) {
      start++;
      size--;
    }
    if (size > 32) throw new JwtError("malformed DER signature");
    der.copy(out, i * 32 + (32 - size), start, start + size);
    offset += 2 + length;
  }
  return out;
}

function joseToDer(signature: Buffer): Buffer {
  const integer = (part: Buffer) => {
    let start = 0;
    while (start < part.length - 1 && part[start] === 0) start++;
    const value = part.subarray(start);
    return value[0]! & 0x80
      ? Buffer.concat([Buffer.from([0x02, value.length + 1, 0]), value])
      : Buffer.concat([Buffer.from([0x02, value.length]), value]);
  };
  const body = Buffer.concat([integer(signature.subarray(0, 32)), integer(signature.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const b64url = (value: string) => Buffer.from(value, "utf8").toString("base64url");

/** `typ` compared as jose does: case-insensitive, with an implied "application/" prefix (RFC 7515 §4.1.9). */
const normalizeTyp = (value: string) => value.toLowerCase().replace(/^application\//, "");

/**
 * ES256 JWTs with node:crypto over KeyObjects: one signature per token, computed on the thread pool, and nothing
 * else (no WebCrypto algorithm normalization, no copy of the claims). The active key is cached for a minute, public keys by kid.
 */
export function createTokenSigner(deps: {
  em: () => EntityManager;
  keyring: MasterKeyring;
  issuer: string;
}): TokenSigner {
  let active: ActiveKey | undefined;
  let loading: Promise<ActiveKey> | undefined;
  const publicKeys = new Map<string, Promise<KeyObject | null>>();
  // Tokens whose signature already verified, exactly as presented: a bearer token comes back many times in its life.
  const verified = new Map<string, { typ: string; payload: JWTPayload }>();

  async function loadActive(): Promise<ActiveKey> {
    const row = await deps.em().findOneOrFail(SigningKey, { algorithm: "ES256", status: "active" });
    const pem = openString(deps.keyring, row.privateKeyEncrypted, signingKeyAad(row.kid));
    return { kid: row.kid, key: createPrivateKey(pem), loadedAt: Date.now(), headers: new Map() };
  }

  function activeKey(): ActiveKey | Promise<ActiveKey> {
    if (active && Date.now() - active.loadedAt < ACTIVE_KEY_TTL_MS) return active;
    loading ??= loadActive().then(
      (key) => {
        active = key;
        loading = undefined;
        return key;
      },
      (error: unknown) => {
        loading = undefined;
        // A failed refresh keeps signing with the key we have (the database may be briefly away).
        if (active) return active;
        throw error;
      },
    );
    return loading;
  }

  async function loadPublic(kid: string): Promise<KeyObject | null> {
    const row = await deps.em().findOne(SigningKey, { kid });
    if (!row) return null;
    const jwk = row.publicJwk as JWK;
    if (jwk.kty !== "EC" || jwk.crv !== "P-256") return null;
    return createPublicKey({ key: jwk as never, format: "jwk" });
  }

  function publicKey(kid: string): Promise<KeyObject | null> {
    let key = publicKeys.get(kid);
    if (!key) {
      key = loadPublic(kid);
      publicKeys.set(kid, key);
      // An unknown kid is remembered only briefly, so a forged kid cannot pin memory or hide a new key.
      void key.then(
        (found) => (found ? undefined : setTimeout(() => publicKeys.delete(kid), 5_000).unref()),
        () => publicKeys.delete(kid),
      );
      if (publicKeys.size > 1000) publicKeys.delete(publicKeys.keys().next().value!);
    }
    return key;
  }

  /** Signs on the libuv thread pool (node:crypto's callback form): the event loop keeps serving meanwhile. */
  function signWith(current: ActiveKey, payload: JWTPayload, typ: string): Promise<string> {
    let header = current.headers.get(typ);
    if (header === undefined) {
      header = b64url(JSON.stringify({ alg: "ES256", kid: current.kid, typ }));
      current.headers.set(typ, header);
    }
    const input = `${header}.${b64url(JSON.stringify(payload))}`;
    return new Promise((resolve, reject) =>
      signBytes("sha256", Buffer.from(input, "utf8"), current.key, (error, der) =>
        error ? reject(error) : resolve(`${input}.${derToJose(der).toString("base64url")}`),
      ),
    );
  }

  return {
    async sign(payload, typ) {
      const current = activeKey();
      return signWith(current instanceof Promise ? await current : current, payload, typ);
    },
    async verify(token, typ, now) {
      const known = verified.get(token);
      if (known && known.typ === normalizeTyp(typ)) {
        checkTimes(known.payload, now);
        return known.payload;
      }
      const parts = token.split(".");
      if (parts.length !== 3) throw new JwtError("not a compact JWS");
      const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
      const header = JSON.parse(Buffer.from(encodedHeader, "base64url").toString("utf8")) as Record<string, unknown>;
      if (typeof header !== "object" || header === null) throw new JwtError("malformed header");
      if (header.alg !== "ES256") throw new JwtError("unexpected alg");
      if (header.crit !== undefined) throw new JwtError("unsupported crit header");
      if (typeof header.typ !== "string" || normalizeTyp(header.typ) !== normalizeTyp(typ)) {
        throw new JwtError("unexpected typ");
      }
      const key = typeof header.kid === "string" ? await publicKey(header.kid) : null;
      if (!key) throw new JwtError("unknown signing key");
      const signature = Buffer.from(encodedSignature, "base64url");
      const input = Buffer.from(`${encodedHeader}.${encodedPayload}`, "utf8");
      if (signature.length !== 64) throw new JwtError("signature verification failed");
      const valid = await new Promise<boolean>((resolve, reject) =>
        verifyBytes("sha256", input, key, joseToDer(signature), (error, ok) => (error ? reject(error) : resolve(ok))),
      );
      if (!valid) throw new JwtError("signature verification failed");
      const payload = JSON.parse(Buffer.from(encodedPayload, "base64url").toString("utf8")) as JWTPayload;
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        throw new JwtError("payload is not a JSON object");
      }
      if (payload.iss !== deps.issuer) throw new JwtError("unexpected iss");
      if (payload.iat !== undefined && typeof payload.iat !== "number") throw new JwtError("malformed iat");
      checkTimes(payload, now);
      if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
      verified.set(token, { typ: normalizeTyp(header.typ), payload: Object.freeze(payload) });
      return payload;
    },
    reset() {
      active = undefined;
      loading = undefined;
      publicKeys.clear();
      verified.clear();
    },
  };
}
