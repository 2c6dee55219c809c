import { describe, expect, it } from "vitest";
import { providerVouchesForEmail } from "../../../server/connections/login/email-trust.ts";

describe("providerVouchesForEmail", () => {
  it("believes a well-known provider at its own endpoints", () => {
    expect(providerVouchesForEmail({ kind: "google" }, false)).toBe(true);
    expect(providerVouchesForEmail({ kind: "github", issuer: null, tokenEndpoint: null }, false)).toBe(true);
  });

  it("does not believe a custom issuer or a well-known kind at endpoints an organization chose", () => {
    expect(providerVouchesForEmail({ kind: "oidc", issuer: "https://sso.example.com" }, false)).toBe(false);
    expect(providerVouchesForEmail({ kind: "github", tokenEndpoint: "https://evil.example/token" }, false)).toBe(false);
    expect(providerVouchesForEmail({ kind: "google", issuer: "https://evil.example" }, false)).toBe(false);
  });

  it("believes every provider when the platform opts in", () => {
    expect(providerVouchesForEmail({ kind: "oidc", issuer: "https://sso.example.com" }, true)).toBe(true);
  });
});
