import { describe, expect, it } from "vitest";
import { corsHeaders, corsPolicy, isPreflight, maySendCookies } from "../../../server/http/cors.ts";

const policy = corsPolicy("https://auth.example.com", ["https://admin.example.com"]);

describe("the control plane's CORS policy", () => {
  it("trusts PUBLIC_URL's origin and LATCH_CORS_ORIGINS with credentials, by exact origin", () => {
    for (const origin of ["https://auth.example.com", "https://admin.example.com"]) {
      expect(corsHeaders(policy, { method: "POST", origin, fetchSite: "same-site" })).toEqual({
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        Vary: "Origin",
      });
      expect(maySendCookies(policy, { origin, fetchSite: "same-site" })).toBe(true);
    }
  });

  it("answers any other origin with * and no credentials, and refuses its cookie", () => {
    for (const origin of [
      "https://evil.example.com",
      "https://auth.example.com:8443",
      "http://auth.example.com",
      "null",
    ]) {
      const headers = corsHeaders(policy, { method: "POST", origin, fetchSite: "same-site" });
      expect(headers["Access-Control-Allow-Origin"], origin).toBe("*");
      expect(headers, origin).not.toHaveProperty("Access-Control-Allow-Credentials");
      expect(maySendCookies(policy, { origin, fetchSite: "same-site" }), origin).toBe(false);
    }
  });

  it("allows bearer headers but not Latch-Organization on an untrusted origin's preflight", () => {
    const request = {
      method: "OPTIONS",
      origin: "https://evil.example.com",
      fetchSite: "cross-site",
      requestMethod: "POST",
    };
    expect(isPreflight(request)).toBe(true);
    const headers = corsHeaders(policy, request);
    expect(headers["Access-Control-Allow-Headers"]).toBe("authorization, content-type, accept");
    expect(headers["Access-Control-Allow-Methods"]).toBe("GET, POST");
    const trusted = corsHeaders(policy, { ...request, origin: "https://admin.example.com" });
    expect(trusted["Access-Control-Allow-Headers"]).toContain("latch-organization");
    expect(trusted["Access-Control-Allow-Credentials"]).toBe("true");
  });

  it("adds nothing without an Origin, and takes the browser's Sec-Fetch-Site when Origin is missing", () => {
    expect(corsHeaders(policy, { method: "GET", origin: undefined, fetchSite: undefined })).toEqual({});
    expect(isPreflight({ method: "OPTIONS", origin: undefined, fetchSite: undefined, requestMethod: "POST" })).toBe(
      false,
    );
    expect(maySendCookies(policy, { origin: undefined, fetchSite: undefined })).toBe(true);
    expect(maySendCookies(policy, { origin: undefined, fetchSite: "same-origin" })).toBe(true);
    expect(maySendCookies(policy, { origin: undefined, fetchSite: "none" })).toBe(true);
    expect(maySendCookies(policy, { origin: undefined, fetchSite: "same-site" })).toBe(false);
    expect(maySendCookies(policy, { origin: undefined, fetchSite: "cross-site" })).toBe(false);
  });
});
