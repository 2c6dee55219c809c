import { hkdfSync } from "node:crypto";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { csrfKey } from "../../../server/crypto/derive-key.ts";
import { generateMasterKey, parseMasterKeys } from "../../../server/crypto/master-key.ts";
import {
  checkCsrf,
  ensureAnonymousCsrfId,
  isAllowedOrigin,
  issueCsrfToken,
  readAnonymousCsrfId,
  verifyCsrfToken,
} from "../../../server/http/csrf.ts";

const keyring = parseMasterKeys(generateMasterKey());
const key = csrfKey(keyring);

describe("csrf tokens", () => {
  it("derives the key with HKDF-SHA256 from the active master key", () => {
    const expected = Buffer.from(hkdfSync("sha256", keyring.active.key, Buffer.alloc(0), "latch csrf v1", 32));
    expect(key.equals(expected)).toBe(true);
    expect(csrfKey(keyring).equals(key)).toBe(true);
    expect(csrfKey(parseMasterKeys(generateMasterKey())).equals(key)).toBe(false);
  });

  it("verifies a token only for the binding it was issued for", () => {
    const token = issueCsrfToken(key, { sessionId: "s-1" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyCsrfToken(key, { sessionId: "s-1" }, token)).toBe(true);
    expect(verifyCsrfToken(key, { sessionId: "s-2" }, token)).toBe(false);
    expect(verifyCsrfToken(key, { anonymousId: "s-1" }, token)).toBe(false);
    const otherKey = csrfKey(parseMasterKeys(generateMasterKey()));
    expect(verifyCsrfToken(otherKey, { sessionId: "s-1" }, token)).toBe(false);
  });

  it("refuses missing, empty, malformed and tampered tokens", () => {
    const binding = { anonymousId: "a".repeat(43) };
    const token = issueCsrfToken(key, binding);
    for (const presented of [undefined, "", 42, ["x"], token.slice(1), `${token}x`, "x".repeat(500)]) {
      expect(verifyCsrfToken(key, binding, presented), String(presented)).toBe(false);
    }
    const flipped = (token[0] === "A" ? "B" : "A") + token.slice(1);
    expect(verifyCsrfToken(key, binding, flipped)).toBe(false);
  });

  it("accepts no Origin or our own origin only", () => {
    const publicUrl = "https://auth.example.com";
    expect(isAllowedOrigin(undefined, publicUrl)).toBe(true);
    expect(isAllowedOrigin("https://auth.example.com", publicUrl)).toBe(true);
    expect(isAllowedOrigin("https://evil.example", publicUrl)).toBe(false);
    expect(isAllowedOrigin("http://auth.example.com", publicUrl)).toBe(false);
    expect(isAllowedOrigin("null", publicUrl)).toBe(false);
  });
});

describe("csrf over HTTP", () => {
  const publicUrl = "http://localhost";
  const app = new Hono();
  app.get("/form", (c) => {
    const anonymousId = ensureAnonymousCsrfId(c, false);
    return c.text(issueCsrfToken(key, { anonymousId }));
  });
  app.post("/form", async (c) => {
    const form = await c.req.parseBody();
    const id = readAnonymousCsrfId(c, false);
    const ok = checkCsrf(c, { key, publicUrl, binding: id ? { anonymousId: id } : undefined }, form.csrf_token);
    return c.text(ok ? "ok" : "forbidden", ok ? 200 : 403);
  });

  async function post(headers: Record<string, string>, token: string) {
    const response = await app.request("/form", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ csrf_token: token }).toString(),
    });
    return response.status;
  }

  it("sets an HttpOnly SameSite=Lax pre-login cookie and accepts the double submit", async () => {
    const response = await app.request("/form");
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^latch_csrf=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const token = await response.text();
    const pair = cookie.split(";")[0]!;
    expect(await post({ cookie: pair }, token)).toBe(200);
    expect(await post({ cookie: pair, origin: publicUrl }, token)).toBe(200);
    expect(await post({ cookie: pair, origin: "https://evil.example" }, token)).toBe(403);
    expect(await post({}, token)).toBe(403);
    expect(await post({ cookie: `latch_csrf=${"b".repeat(43)}` }, token)).toBe(403);
  });

  it("keeps the browser's existing pre-login id", async () => {
    const id = "c".repeat(43);
    const response = await app.request("/form", { headers: { cookie: `latch_csrf=${id}` } });
    expect(await response.text()).toBe(issueCsrfToken(key, { anonymousId: id }));
  });
});
