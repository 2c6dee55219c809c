import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  importPKCS8,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { describe, expect, it } from "vitest";
import { openString, seal } from "../../../server/crypto/envelope.ts";
import { generateMasterKey, parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { generateSigningKey, type SigningAlgorithm, toJwks } from "../../../server/crypto/signing-keys.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const invalid = expect.objectContaining({ name: "CryptoError", code: "ERR_SIGNING_KEY_INVALID" });

describe.each<SigningAlgorithm>(["ES256", "EdDSA"])("%s signing keys", (algorithm) => {
  it("generates plain data with an RFC 7638 kid and a public-only JWK", async () => {
    const key = await generateSigningKey(algorithm, NOW);
    expect(key.algorithm).toBe(algorithm);
    expect(key.createdAt).toBe(NOW);
    expect(key.privateKeyPkcs8Pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.publicJwk).toMatchObject({ kid: key.kid, alg: algorithm, use: "sig" });
    expect(key.publicJwk).not.toHaveProperty("d");
    expect(await calculateJwkThumbprint(key.publicJwk)).toBe(key.kid);
  });

  it("signs a JWT that verifies against the published JWKS, after a seal/open round trip", async () => {
    const key = await generateSigningKey(algorithm, NOW);
    const keyring = parseMasterKeys(generateMasterKey());
    const aad = `signing_key:${key.kid}`;
    const privateKeyPkcs8Pem = openString(keyring, seal(keyring, key.privateKeyPkcs8Pem, aad), aad);
    const privateKey = await importPKCS8(privateKeyPkcs8Pem, algorithm);

    const jwt = await new SignJWT({ scope: "openid", client_id: "app" })
      .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: "at+jwt" })
      .setIssuer("https://latch.example")
      .setSubject("user-1")
      .setAudience("https://api.example")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);

    const jwks = toJwks([key.publicJwk]);
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      issuer: "https://latch.example",
      audience: "https://api.example",
      typ: "at+jwt",
    });
    expect(payload).toMatchObject({ sub: "user-1", client_id: "app" });
    expect(protectedHeader.kid).toBe(key.kid);
    expect(decodeProtectedHeader(jwt).alg).toBe(algorithm);
  });
});

describe("generateSigningKey", () => {
  it("rejects an algorithm outside ES256 and EdDSA", async () => {
    await expect(generateSigningKey("RS256" as SigningAlgorithm, NOW)).rejects.toThrow(invalid);
  });
});

describe("toJwks", () => {
  it("publishes only public members, even when a stored JWK carries private ones", async () => {
    const es = await generateSigningKey("ES256", NOW);
    const ed = await generateSigningKey("EdDSA", NOW);
    const leaked: JWK = { ...es.publicJwk, d: "private", p: "x", k: "y", ext: true, key_ops: ["verify"] };
    const { keys } = toJwks([leaked, ed.publicJwk]);

    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual({ ...es.publicJwk, key_ops: ["verify"] });
    expect(keys[1]).toEqual(ed.publicJwk);
    for (const key of keys)
      for (const member of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(key).not.toHaveProperty(member);
  });

  it("rejects keys without a kid and symmetric keys", () => {
    expect(() => toJwks([{ kty: "EC", crv: "P-256", x: "x", y: "y" }])).toThrow(invalid);
    expect(() => toJwks([{ kty: "oct", k: "secret", kid: "s" }])).toThrow(invalid);
  });

  it("returns an empty set for no keys", () => {
    expect(toJwks([])).toEqual({ keys: [] });
  });
});
