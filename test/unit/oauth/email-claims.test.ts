import { describe, expect, it } from "vitest";
import { emailClaims } from "../../../server/oauth/email-claims.ts";
import { buildIdTokenClaims } from "../../../server/oauth/id-token-claims.ts";

const user = { email: "ada@example.com", emailVerified: false };

describe("emailClaims", () => {
  it("answers email and email_verified only when the email scope is granted", () => {
    expect(emailClaims(user, ["openid", "email"])).toEqual({ email: "ada@example.com", email_verified: false });
    expect(emailClaims({ ...user, emailVerified: true }, ["email"])).toEqual({
      email: "ada@example.com",
      email_verified: true,
    });
    expect(emailClaims(user, ["openid", "profile"])).toEqual({});
  });

  it("rides in the ID token next to its registered claims", () => {
    const claims = buildIdTokenClaims({
      issuer: "https://latch.test",
      subject: "u1",
      clientId: "c1",
      authTime: new Date(0),
      now: new Date(1000),
      ttlSeconds: 60,
      claims: emailClaims(user, ["email"]),
    });
    expect(claims).toMatchObject({ sub: "u1", aud: "c1", email: "ada@example.com", email_verified: false });
  });
});
