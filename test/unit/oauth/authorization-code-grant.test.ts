import { describe, expect, it } from "vitest";
import { decideCodeExchange, type StoredAuthorizationCode } from "../../../server/oauth/grants/authorization-code.ts";

const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const NOW = new Date("2025-06-01T12:00:00Z");
const CALLBACK = "https://app.example.com/callback";

const stored = (overrides: Partial<StoredAuthorizationCode> = {}): StoredAuthorizationCode => ({
  applicationId: "app-1",
  redirectUri: CALLBACK,
  codeChallenge: CHALLENGE,
  expiresAt: new Date(NOW.getTime() + 30_000),
  consumedAt: null,
  ...overrides,
});

function decide(
  code: StoredAuthorizationCode | null,
  overrides: Partial<Parameters<typeof decideCodeExchange>[0]> = {},
) {
  return decideCodeExchange({
    code,
    clientApplicationId: "app-1",
    redirectUri: CALLBACK,
    codeVerifier: VERIFIER,
    now: NOW,
    ...overrides,
  });
}

const rejected = (description: RegExp, revokeIssuedTokens = false) => ({
  outcome: "reject",
  revokeIssuedTokens,
  error: expect.objectContaining({ code: "invalid_grant", description: expect.stringMatching(description) }),
});

describe("decideCodeExchange", () => {
  it("issues for the right client, redirect URI and verifier", () => {
    expect(decide(stored())).toEqual({ outcome: "issue" });
  });

  it("rejects an unknown code", () => {
    expect(decide(null)).toEqual(rejected(/invalid or was issued to another client/));
  });

  it("treats a code presented twice as replay and asks to revoke what it issued", () => {
    expect(decide(stored({ consumedAt: new Date(NOW.getTime() - 1000) }))).toEqual(rejected(/already been used/, true));
  });

  it("rejects a code presented by another client without saying so", () => {
    expect(decide(stored(), { clientApplicationId: "app-2" })).toEqual(
      rejected(/invalid or was issued to another client/),
    );
  });

  it("rejects an expired code, at the instant of expiry", () => {
    expect(decide(stored({ expiresAt: NOW }))).toEqual(rejected(/expired/));
    expect(decide(stored({ expiresAt: new Date(NOW.getTime() + 1) }))).toEqual({ outcome: "issue" });
  });

  it("requires the exact redirect_uri when the authorization request carried one", () => {
    expect(decide(stored(), { redirectUri: undefined })).toEqual(rejected(/redirect_uri is required/));
    expect(decide(stored(), { redirectUri: `${CALLBACK}/` })).toEqual(rejected(/redirect_uri does not match/));
    expect(decide(stored({ redirectUri: null }), { redirectUri: undefined })).toEqual({ outcome: "issue" });
  });

  it("rejects a missing or wrong code_verifier", () => {
    expect(decide(stored(), { codeVerifier: undefined })).toEqual(rejected(/code_verifier is required/));
    expect(decide(stored(), { codeVerifier: `${VERIFIER.slice(0, -1)}l` })).toEqual(
      rejected(/^code_verifier does not match the code_challenge$/),
    );
  });

  it("rejects a verifier for a code issued without a challenge (PKCE downgrade)", () => {
    expect(decide(stored({ codeChallenge: null }))).toEqual(rejected(/had no code_challenge/));
    expect(decide(stored({ codeChallenge: null }), { codeVerifier: undefined })).toEqual({ outcome: "issue" });
  });
});
