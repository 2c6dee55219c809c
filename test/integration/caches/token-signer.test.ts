import type { EntityManager } from "@mikro-orm/postgresql";
import { importJWK, importPKCS8, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { seal } from "../../../server/crypto/envelope.ts";
import { generateMasterKey, parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { signingKeyAad } from "../../../server/crypto/secret-aad.ts";
import { generateSigningKey } from "../../../server/crypto/signing-keys.ts";
import { createTokenSigner } from "../../../server/services/oauth/token-signer.ts";

/**
 * The token signer signs and verifies ES256 with node:crypto (DER converted to JWS r||s by hand, for speed): its
 * tokens must verify with jose, and jose's tokens with it, for every signature shape (r or s with leading zeros).
 */
const ISSUER = "https://latch.example";

async function signerWithKey() {
  const key = await generateSigningKey("ES256", new Date());
  const keyring = parseMasterKeys(generateMasterKey());
  const row = {
    kid: key.kid,
    privateKeyEncrypted: seal(keyring, key.privateKeyPkcs8Pem, signingKeyAad(key.kid)),
    publicJwk: key.publicJwk,
  };
  const em = { findOneOrFail: async () => row, findOne: async () => row } as unknown as EntityManager;
  return { signer: createTokenSigner({ em: () => em, keyring, issuer: ISSUER }), key };
}

/**
 * Another signature: its first character changed. (Not the last: of the last character only 2 of its 6 bits are data,
 * so "AA" → "AB" decodes to the same bytes and still verifies, about one run in 256.)
 */
const flipFirst = (signature: string) => `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;

describe("the ES256 token signer", () => {
  it("signs tokens jose verifies and verifies tokens jose signs, across many signatures", async () => {
    const { signer, key } = await signerWithKey();
    const publicKey = await importJWK(key.publicJwk, "ES256");
    const privateKey = await importPKCS8(key.privateKeyPkcs8Pem, "ES256");
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 600; i++) {
      const claims = { iss: ISSUER, sub: `s${i}`, jti: `j${i}`, iat: now, exp: now + 60 };
      const token = await signer.sign(claims, "at+jwt");
      const { payload, protectedHeader } = await jwtVerify(token, publicKey, { issuer: ISSUER, typ: "at+jwt" });
      expect(payload.sub).toBe(`s${i}`);
      expect(protectedHeader).toEqual({ alg: "ES256", kid: key.kid, typ: "at+jwt" });
      expect((await signer.verify(token, "at+jwt", new Date())).sub).toBe(`s${i}`);
      const theirs = await new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
        .sign(privateKey);
      expect((await signer.verify(theirs, "at+jwt", new Date())).sub).toBe(`s${i}`);
    }
  });

  it("refuses a wrong type, issuer, expiry, alg or signature", async () => {
    const { signer } = await signerWithKey();
    const now = Math.floor(Date.now() / 1000);
    const good = await signer.sign({ iss: ISSUER, sub: "a", iat: now, exp: now + 60 }, "at+jwt");
    await expect(signer.verify(good, "JWT", new Date())).rejects.toThrow();
    const [h, p, s] = good.split(".") as [string, string, string];
    const flipped = `${h}.${p}.${flipFirst(s)}`;
    await expect(signer.verify(flipped, "at+jwt", new Date())).rejects.toThrow();
    const tampered = `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, sub: "b", exp: now + 60 })).toString("base64url")}.${s}`;
    await expect(signer.verify(tampered, "at+jwt", new Date())).rejects.toThrow();
    await expect(
      signer.verify(await signer.sign({ iss: "https://other", exp: now + 60 }, "at+jwt"), "at+jwt", new Date()),
    ).rejects.toThrow();
    await expect(
      signer.verify(await signer.sign({ iss: ISSUER, exp: now - 1 }, "at+jwt"), "at+jwt", new Date()),
    ).rejects.toThrow();
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${p}.`;
    await expect(signer.verify(none, "at+jwt", new Date())).rejects.toThrow();
  });

  it("remembers a verified token, but still checks its type and expiry on every use, against the caller's clock", async () => {
    const { signer } = await signerWithKey();
    const now = Math.floor(Date.now() / 1000);
    const at = (seconds: number) => new Date(seconds * 1000);
    const token = await signer.sign({ iss: ISSUER, sub: "a", iat: now, exp: now + 3 }, "at+jwt");
    const first = await signer.verify(token, "at+jwt", at(now));
    const again = await signer.verify(token, "application/at+jwt", at(now + 2));
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
    await expect(signer.verify(token, "JWT", at(now))).rejects.toThrow("unexpected typ");
    // A different token (one flipped signature byte) is verified on its own, not matched to the remembered one.
    const [h, p, s] = token.split(".") as [string, string, string];
    await expect(signer.verify(`${h}.${p}.${flipFirst(s)}`, "at+jwt", at(now))).rejects.toThrow();
    // The remembered token expires by the clock it is given, with no wait.
    await expect(signer.verify(token, "at+jwt", at(now + 3))).rejects.toThrow("expired");
    expect((await signer.verify(token, "at+jwt", at(now + 1))).sub).toBe("a");
    // Not-before, too, is read against the given clock, on the first verification as on later ones.
    const later = await signer.sign({ iss: ISSUER, sub: "b", nbf: now + 10, exp: now + 60 }, "at+jwt");
    await expect(signer.verify(later, "at+jwt", at(now))).rejects.toThrow("not yet valid");
    expect((await signer.verify(later, "at+jwt", at(now + 10))).sub).toBe("b");
    await expect(signer.verify(later, "at+jwt", at(now + 9))).rejects.toThrow("not yet valid");
  });
});
