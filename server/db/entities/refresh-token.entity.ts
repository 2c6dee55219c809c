import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";
import { Grant } from "./grant.entity.ts";
import { User } from "./user.entity.ts";

/**
 * A refresh token (SHA-256 hex only). Every token descends from one authorization (its family); presenting a
 * rotated one revokes the family.
 */
export const RefreshTokenSchema = defineEntity({
  name: "RefreshToken",
  tableName: "refresh_tokens",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    tokenHash: p.text().unique(),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    user: () => p.manyToOne(User).ref().nullable().deleteRule("cascade"),
    grant: () => p.manyToOne(Grant).ref().nullable().deleteRule("cascade"),
    familyId: p.uuid().index(),
    /** The token of the family this one replaced. */
    parentId: p.uuid().nullable(),
    /** The authorization code that started the family. */
    authorizationCodeId: p.uuid().nullable().index(),
    scopes: p.array(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    rotatedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.text().nullable(),
  },
  indexes: [{ properties: ["grant"] }],
});

export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);
