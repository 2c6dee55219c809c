import { describe, expect, it } from "vitest";
import {
  consentStep,
  FRESH_LOGIN_MS,
  reuseStep,
  signInStep,
  unverifiedEmailStep,
} from "../../../server/oauth/authorize-steps.ts";

const NOW = new Date("2026-12-08T01:00:00Z");
const REDIRECT = "https://app.example/callback";
const request = (over: { prompt?: "none" | "consent" | "login"; redirectUri?: string; bot?: boolean } = {}) => ({
  prompt: over.prompt,
  redirectUri: "redirectUri" in over ? over.redirectUri : REDIRECT,
  bot: over.bot ? { permissions: "0", guildId: undefined } : undefined,
});
const error = (code: string, description: RegExp) =>
  ({
    kind: "error",
    error: expect.objectContaining({ code, description: expect.stringMatching(description) }),
  }) as const;

describe("signInStep", () => {
  it("goes on with a session, and sends the person to sign in without one", () => {
    expect(signInStep(request(), NOW, NOW)).toBeNull();
    expect(signInStep(request(), null, NOW)).toEqual({ kind: "login", reauthenticate: false });
  });

  it("asks for a fresh sign-in under prompt=login once the last one is older than FRESH_LOGIN_MS", () => {
    const recent = new Date(NOW.getTime() - FRESH_LOGIN_MS);
    const old = new Date(NOW.getTime() - FRESH_LOGIN_MS - 1);
    expect(signInStep(request({ prompt: "login" }), recent, NOW)).toBeNull();
    expect(signInStep(request({ prompt: "login" }), old, NOW)).toEqual({ kind: "login", reauthenticate: true });
  });

  it("answers login_required under prompt=none when there is a redirect URI, and the login page when there is none", () => {
    expect(signInStep(request({ prompt: "none" }), null, NOW)).toEqual(error("login_required", /not signed in/));
    expect(signInStep(request({ prompt: "none", redirectUri: undefined }), null, NOW)).toEqual({
      kind: "login",
      reauthenticate: false,
    });
  });
});

describe("unverifiedEmailStep", () => {
  it("shows the verify-email gate, or answers interaction_required under prompt=none", () => {
    expect(unverifiedEmailStep(request())).toEqual({ kind: "verify_email" });
    expect(unverifiedEmailStep(request({ prompt: "none" }))).toEqual(
      error("interaction_required", /verify their email/),
    );
  });
});

describe("reuseStep", () => {
  it("issues a code at once for a grant that covers the request, when there is a redirect URI", () => {
    expect(reuseStep(request(), true)).toEqual({ kind: "issue_code", redirectUri: REDIRECT });
    expect(reuseStep(request({ redirectUri: undefined }), true)).toBeNull();
  });

  it("asks for consent without one, or answers consent_required under prompt=none", () => {
    expect(reuseStep(request(), false)).toBeNull();
    expect(reuseStep(request({ prompt: "none" }), false)).toEqual(error("consent_required", /not authorized/));
    expect(reuseStep(request({ prompt: "none", redirectUri: undefined }), true)).toEqual(
      error("consent_required", /consent is required/),
    );
  });
});

describe("consentStep", () => {
  it("refuses a bot install with no workspace to install to, and shows the consent page otherwise", () => {
    expect(consentStep(request({ bot: true }), 0)).toEqual(error("access_denied", /owner or admin/));
    expect(consentStep(request({ bot: true }), 1)).toEqual({ kind: "consent" });
    expect(consentStep(request(), 0)).toEqual({ kind: "consent" });
  });
});
