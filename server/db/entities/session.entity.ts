import { defineEntity, p } from "@mikro-orm/postgresql";
import { User } from "./user.entity.ts";

/** A browser login session; the cookie value is stored only as its SHA-256 (hex). */
export const SessionSchema = defineEntity({
  name: "Session",
  tableName: "sessions",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    tokenHash: p.text().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    ipAddress: p.text().nullable(),
    userAgent: p.text().nullable(),
    /** How the user logged in: `password`, or the upstream provider kind. */
    authMethod: p.text(),
    /** The second factor the user also proved (`totp`, `recovery_code`), or null: the session's `amr` follows. */
    secondFactor: p.text().nullable(),
  },
  indexes: [{ properties: ["user"] }],
});

export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);
