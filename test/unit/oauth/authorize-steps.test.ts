import { describe, expect, it } from "vitest";
import { consentStep, reuseStep, unverifiedEmailStep } from "../../../server/oauth/authorize-steps.ts";

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
