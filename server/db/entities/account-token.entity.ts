import { defineEntity, p } from "@mikro-orm/postgresql";
import { User } from "./user.entity.ts";

export const accountTokenPurposes = ["verify_email", "reset_password", "change_email"] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

/**
 * A single-use link sent by email (verify an address, reset a password, confirm a new address). Only the token's
 * SHA-256 is stored; `email` is the address the link was sent to (for `change_email`, the new one), so a link for an
 * address the account no longer has does nothing.
 */
export const AccountTokenSchema = defineEntity({
  name: "AccountToken",
  tableName: "account_tokens",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    purpose: p.enum(accountTokenPurposes),
    tokenHash: p.text().unique(),
    email: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["user", "purpose"] }],
});

export class AccountToken extends AccountTokenSchema.class {}
AccountTokenSchema.setClass(AccountToken);
