import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";
import { Grant } from "./grant.entity.ts";
import { Organization } from "./organization.entity.ts";
import { User } from "./user.entity.ts";

/** A single-use authorization code; only its SHA-256 (hex) is stored. `consumedAt` marks redemption. */
export const AuthorizationCodeSchema = defineEntity({
  name: "AuthorizationCode",
  tableName: "authorization_codes",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    codeHash: p.text().unique(),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    grant: () => p.manyToOne(Grant).ref().nullable().deleteRule("cascade"),
    organization: () => p.manyToOne(Organization).ref().nullable().deleteRule("cascade"),
    /** The redirect_uri sent with the authorization request, which the token request must repeat. */
    redirectUri: p.text().nullable(),
    scopes: p.array(),
    codeChallenge: p.text().nullable(),
    codeChallengeMethod: p.text().nullable(),
    nonce: p.text().nullable(),
    authTime: p.datetime(),
    /** The ID token's `amr` (RFC 8176): how the session behind the code authenticated. */
    amr: p.array().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    consumedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["grant"] }],
});

export class AuthorizationCode extends AuthorizationCodeSchema.class {}
AuthorizationCodeSchema.setClass(AuthorizationCode);
