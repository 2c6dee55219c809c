import { defineEntity, p } from "@mikro-orm/postgresql";

/**
 * An end user or admin. `email` keeps the address as typed; `emailNormalized` (lowercased) carries the
 * case-insensitive uniqueness.
 */
export const UserSchema = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    email: p.text(),
    emailNormalized: p.text().unique(),
    emailVerified: p.boolean().default(false),
    displayName: p.text(),
    avatarUrl: p.text().nullable(),
    /** argon2id PHC string; null for users who only log in through an upstream provider. */
    passwordHash: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    lastLoginAt: p.datetime().nullable(),
    /** The user asked to be mailed at each new sign-in (`/account/profile`, "Sign-in alerts"). */
    notifySignIns: p.boolean().default(false),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
