import { describe, expect, it } from "vitest";
import {
  ACR,
  acrFor,
  decideAuthentication,
  requiresMultiFactor,
} from "../../../server/oauth/authentication-requirements.ts";
import { validateAuthorizeRequest } from "../../../server/oauth/authorize-request.ts";

const NOW = new Date("2026-12-08T12:00:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const plain = { prompt: undefined, maxAge: undefined, acrValues: [] };
const pwd = (authTime: Date) => ({ authTime, amr: ["pwd"] });

describe("authentication requirements (OIDC Core §3.1.2.1)", () => {
  it("sends a browser without a session to sign in", () => {
    const decision = decideAuthentication({ request: plain, session: null, freshSince: undefined, now: NOW });
    expect(decision).toEqual({ kind: "login", reason: "no_session" });
  });

  it("asks for a fresh sign-in on prompt=login, even from a session a second old, until one happened", () => {
    const request = { ...plain, prompt: "login" as const };
    expect(decideAuthentication({ request, session: pwd(ago(1)), freshSince: undefined, now: NOW })).toEqual({
      kind: "login",
      reason: "prompt_login",
    });
    // The marker says the round trip began 30 s ago: a session from before it is not fresh, one since is.
    expect(decideAuthentication({ request, session: pwd(ago(31)), freshSince: ago(30), now: NOW }).kind).toBe("login");
    expect(decideAuthentication({ request, session: pwd(ago(5)), freshSince: ago(30), now: NOW })).toEqual({
      kind: "ok",
    });
  });

  it("asks for a fresh sign-in once max_age seconds have passed since auth_time, max_age=0 included", () => {
    const request = { ...plain, maxAge: 600 };
    expect(decideAuthentication({ request, session: pwd(ago(600)), freshSince: undefined, now: NOW }).kind).toBe("ok");
    expect(decideAuthentication({ request, session: pwd(ago(601)), freshSince: undefined, now: NOW })).toEqual({
      kind: "login",
      reason: "max_age",
    });
    const zero = { ...plain, maxAge: 0 };
    expect(decideAuthentication({ request: zero, session: pwd(ago(2)), freshSince: undefined, now: NOW }).kind).toBe(
      "login",
    );
    expect(decideAuthentication({ request: zero, session: pwd(ago(2)), freshSince: ago(10), now: NOW }).kind).toBe(
      "ok",
    );
  });

  it("asks for the second factor when acr_values accepts only multi-factor and the session has one factor", () => {
    const request = { ...plain, acrValues: [ACR.multiFactor] };
    expect(decideAuthentication({ request, session: pwd(ago(5)), freshSince: undefined, now: NOW })).toEqual({
      kind: "second_factor",
    });
    const mfa = { authTime: ago(5), amr: ["pwd", "otp", "mfa"] };
    expect(decideAuthentication({ request, session: mfa, freshSince: undefined, now: NOW }).kind).toBe("ok");
  });

  it("reads acr_values as a preference list: single-factor accepted means no step-up, unknown values are ignored", () => {
    expect(requiresMultiFactor([ACR.multiFactor])).toBe(true);
    expect(requiresMultiFactor(["urn:other", ACR.multiFactor])).toBe(true);
    expect(requiresMultiFactor([ACR.multiFactor, ACR.singleFactor])).toBe(false);
    expect(requiresMultiFactor(["urn:other"])).toBe(false);
    expect(requiresMultiFactor([])).toBe(false);
    expect(acrFor(["fed", "otp", "mfa"])).toBe(ACR.multiFactor);
    expect(acrFor(["fed"])).toBe(ACR.singleFactor);
    expect(acrFor(null)).toBe(ACR.singleFactor);
  });

  it("parses max_age and acr_values, refusing malformed ones at the client's redirect URI", () => {
    const client = {
      clientId: "app",
      type: "confidential" as const,
      isActive: true,
      redirectUris: ["https://app.example/cb"],
      allowedScopes: ["openid"],
      grantTypes: ["authorization_code"],
    };
    const base = { client_id: "app", response_type: "code", scope: "openid" };
    const ok = validateAuthorizeRequest(
      new URLSearchParams({ ...base, max_age: "0", acr_values: `${ACR.multiFactor}  urn:x` }),
      client,
    );
    expect(ok.kind === "ok" && [ok.request.maxAge, ok.request.acrValues]).toEqual([0, [ACR.multiFactor, "urn:x"]]);
    for (const max_age of ["-1", "1.5", "abc", "9999999999"]) {
      const bad = validateAuthorizeRequest(new URLSearchParams({ ...base, max_age }), client);
      expect(bad.kind === "redirect_error" && bad.error.code).toBe("invalid_request");
    }
    const tooMany = validateAuthorizeRequest(
      new URLSearchParams({ ...base, acr_values: Array.from({ length: 11 }, (_, i) => `v${i}`).join(" ") }),
      client,
    );
    expect(tooMany.kind === "redirect_error" && tooMany.error.code).toBe("invalid_request");
  });
});
