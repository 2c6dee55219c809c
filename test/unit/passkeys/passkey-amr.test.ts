import { describe, expect, it } from "vitest";
import { relyingPartyFor } from "../../../server/services/passkeys/relying-party.ts";
import { passkeyMethod } from "../../../server/services/passkeys/sign-in-with-passkey.ts";
import { sessionAmr } from "../../../server/services/sessions/session-amr.ts";

describe("passkey amr (RFC 8176 §2)", () => {
  it("says hwk for a device-bound passkey and swk for a synced one, alone or as the second factor", () => {
    expect(sessionAmr("passkey", null)).toEqual(["hwk"]);
    expect(sessionAmr("synced_passkey", null)).toEqual(["swk"]);
    expect(sessionAmr("password", "passkey")).toEqual(["pwd", "hwk", "mfa"]);
    expect(sessionAmr("password", "synced_passkey")).toEqual(["pwd", "swk", "mfa"]);
    expect(sessionAmr("password", "totp")).toEqual(["pwd", "otp", "mfa"]);
    expect(sessionAmr("password", null)).toEqual(["pwd"]);
  });

  it("records a backed-up credential as synced", () => {
    expect(passkeyMethod({ synced: true })).toBe("synced_passkey");
    expect(passkeyMethod({ synced: false })).toBe("passkey");
  });
});

describe("relyingPartyFor", () => {
  it("takes the RP id from PUBLIC_URL's hostname and the origin from its origin", () => {
    expect(relyingPartyFor("https://auth.example.com/")).toEqual({
      id: "auth.example.com",
      origin: "https://auth.example.com",
      name: "Latch",
    });
    expect(relyingPartyFor("http://localhost:8080/base").origin).toBe("http://localhost:8080");
    expect(relyingPartyFor("http://localhost:8080/base").id).toBe("localhost");
  });
});
