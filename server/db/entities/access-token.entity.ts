import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application, accessTokenFormats } from "./application.entity.ts";
import { Grant } from "./grant.entity.ts";
import { User } from "./user.entity.ts";

/**
 * An issued access token. `id` is the JWT's `jti`; opaque tokens also carry the SHA-256 (hex) of the token, JWT rows
 * have no hash and exist so a JWT can be revoked and introspected.
 */
export const AccessTokenSchema = defineEntity({
  name: "AccessToken",
  tableName: "access_tokens",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    tokenHash: p.text().nullable().unique(),
    format: p.enum(accessTokenFormats),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    user: () => p.manyToOne(User).ref().nullable().deleteRule("cascade"),
    grant: () => p.manyToOne(Grant).ref().nullable().deleteRule("cascade"),
    refreshFamilyId: p.uuid().nullable().index(),
    authorizationCodeId: p.uuid().nullable().index(),
    scopes: p.array(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    revokedAt: p.datetime().nullable(),
  },
  // Usage reads the distinct users an app issued tokens to, per day.
  indexes: [{ properties: ["grant"] }, { properties: ["application", "createdAt"] }],
});

export class AccessToken extends AccessTokenSchema.class {}
AccessTokenSchema.setClass(AccessToken);
