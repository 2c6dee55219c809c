import { describe, expect, it } from "vitest";
import {
  matchRedirectUri,
  redirectUriAdvice,
  requiresPkce,
  SINGLE_WORD_SCHEME_ADVICE,
  validateRedirectUriRegistration,
} from "../../../server/oauth/redirect-uri.ts";

const reason = (uri: string) => {
  const result = validateRedirectUriRegistration(uri);
  return result.ok ? null : result.reason;
};

describe("validateRedirectUriRegistration", () => {
  it("accepts https, http on loopback and reverse-domain private-use schemes", () => {
    for (const uri of [
      "https://app.example.com/callback",
      "https://app.example.com:8443/cb?tenant=a",
      "http://localhost:8787/callback",
      "http://127.0.0.1/callback",
      "http://[::1]:9000/cb",
      "com.example.app:/oauth2redirect",
      "com.example.app://callback",
    ]) {
      expect(validateRedirectUriRegistration(uri)).toEqual({ ok: true, uri });
    }
  });

  it("refuses http on any host but loopback", () => {
    expect(reason("http://app.example.com/cb")).toMatch(/must use https; http is allowed only on localhost/);
    // WHATWG would read 127.1 as 127.0.0.1; exact matching compares the raw string, so neither may count.
    expect(reason("http://127.1/cb")).toMatch(/must use https/);
  });

  it("refuses relative URIs and schemes that browsers or systems define", () => {
    expect(reason("/callback")).toMatch(/absolute URI/);
    expect(reason("javascript:alert(1)")).toMatch(/scheme "javascript" is not allowed/);
    expect(reason("data:text/html,hi")).toMatch(/not allowed/);
    for (const uri of [
      "file:///etc/passwd",
      "vbscript:x",
      "blob:https://a.example/1",
      "ws://localhost/cb",
      "mailto:a@b.c",
    ]) {
      expect(reason(uri)).toMatch(/is not allowed: use https/);
    }
  });

  it("accepts a single-word private-use scheme (seed 003's myapp://callback) with advice to use a reverse domain", () => {
    for (const uri of ["myapp://callback", "myapp:/callback"]) {
      expect(validateRedirectUriRegistration(uri)).toEqual({ ok: true, uri, advice: SINGLE_WORD_SCHEME_ADVICE });
      expect(redirectUriAdvice(uri)).toMatch(/reverse-domain scheme such as com\.example\.app/);
    }
    expect(redirectUriAdvice("com.example.app:/cb")).toBeNull();
    expect(redirectUriAdvice("https://app.example.com/cb")).toBeNull();
    expect(redirectUriAdvice("javascript:alert(1)")).toBeNull();
  });

  it("requires PKCE for every private-use scheme, never for https or loopback http", () => {
    expect(requiresPkce("myapp://callback")).toBe(true);
    expect(requiresPkce("com.example.app:/cb")).toBe(true);
    expect(requiresPkce("https://app.example.com/cb")).toBe(false);
    expect(requiresPkce("http://127.0.0.1:8080/cb")).toBe(false);
  });

  it("refuses a query carrying an authorization response parameter (#20 item 11)", () => {
    for (const name of ["code", "state", "error", "error_description", "error_uri", "iss", "access_token"]) {
      expect(reason(`https://app.example.com/cb?${name}=x`), name).toMatch(new RegExp(`must not carry "${name}"`));
    }
    for (const name of ["id_token", "token_type", "expires_in", "session_state"]) {
      expect(reason(`https://app.example.com/cb?tenant=a&${name}`), name).toMatch(/must not carry/);
    }
    // Percent-encoded names are the same name to a client; private-use schemes are checked too.
    expect(reason("https://app.example.com/cb?c%6Fde=1")).toMatch(/must not carry "code"/);
    expect(reason("com.example.app:/cb?state=1")).toMatch(/must not carry "state"/);
    // Names that only look alike are other parameters.
    for (const uri of ["https://app.example.com/cb?codes=1&Code=2&xstate=3", "https://app.example.com/code?x=state"]) {
      expect(validateRedirectUriRegistration(uri)).toEqual({ ok: true, uri });
    }
  });

  it("refuses fragments, userinfo and wildcards", () => {
    expect(reason("https://app.example.com/cb#x")).toMatch(/fragment/);
    expect(reason("https://user:pass@app.example.com/cb")).toMatch(/userinfo/);
    expect(reason("https://@app.example.com/cb")).toMatch(/userinfo/);
    expect(reason("https://*.example.com/cb")).toMatch(/wildcard/);
    expect(reason("https://app.example.com/*")).toMatch(/wildcard/);
  });

  it("refuses https without a host, bad ports, whitespace, non-ASCII and overlong URIs", () => {
    expect(reason("https:///cb")).toMatch(/must name a host/);
    expect(reason("https://app.example.com:99999/cb")).not.toBeNull();
    expect(reason("https://app.example.com/c b")).toMatch(/whitespace/);
    expect(reason(" https://app.example.com/cb")).toMatch(/whitespace/);
    expect(reason("https://app.example.com/é")).toMatch(/ASCII/);
    expect(reason(`https://app.example.com/${"a".repeat(2000)}`)).toMatch(/longer than 2000/);
    expect(reason("")).toMatch(/empty/);
  });
});

describe("matchRedirectUri", () => {
  const registered = ["https://app.example.com/callback", "http://127.0.0.1/cb", "http://[::1]:8080/cb"];

  it("matches by exact string comparison only", () => {
    expect(matchRedirectUri("https://app.example.com/callback", registered)).toBe("https://app.example.com/callback");
    for (const near of [
      "https://app.example.com/callback/",
      "https://APP.example.com/callback",
      "https://app.example.com/callback?x=1",
      "https://app.example.com/Callback",
      "https://app.example.com:443/callback",
      "https://app.example.com/callback#",
    ]) {
      expect(matchRedirectUri(near, registered)).toBeNull();
    }
  });

  it("matches any port of 127.0.0.1 and [::1] but not of localhost", () => {
    expect(matchRedirectUri("http://127.0.0.1:51234/cb", registered)).toBe("http://127.0.0.1:51234/cb");
    expect(matchRedirectUri("http://[::1]/cb", registered)).toBe("http://[::1]/cb");
    expect(matchRedirectUri("http://[::1]:1/cb", registered)).toBe("http://[::1]:1/cb");
    expect(matchRedirectUri("http://localhost:3000/cb", ["http://localhost:8787/cb"])).toBeNull();
  });

  it("keeps everything but the loopback port exact", () => {
    expect(matchRedirectUri("http://127.0.0.1:5000/cb2", registered)).toBeNull();
    expect(matchRedirectUri("http://127.0.0.1:5000/cb?x", registered)).toBeNull();
    expect(matchRedirectUri("https://127.0.0.1:5000/cb", registered)).toBeNull();
    expect(matchRedirectUri("http://127.0.0.1:5000@evil.example/cb", registered)).toBeNull();
    expect(matchRedirectUri("http://127.0.0.1:0/cb", registered)).toBeNull();
    expect(matchRedirectUri("http://127.0.0.1:65536/cb", registered)).toBeNull();
    expect(matchRedirectUri("http://[::1]:8080/cb", ["http://127.0.0.1:8080/cb"])).toBeNull();
  });

  it("matches nothing when nothing is registered", () => {
    expect(matchRedirectUri("https://app.example.com/callback", [])).toBeNull();
  });
});
