import { defineEntity, p } from "@mikro-orm/postgresql";
import { User } from "./user.entity.ts";

/**
 * One of the single-use recovery codes issued when a user turns on a second factor; only its SHA-256 is stored,
 * and `usedAt` marks it spent. A new set replaces the old one.
 */
export const RecoveryCodeSchema = defineEntity({
  name: "RecoveryCode",
  tableName: "recovery_codes",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    codeHash: p.text().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    usedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["user"] }],
});

export class RecoveryCode extends RecoveryCodeSchema.class {}
RecoveryCodeSchema.setClass(RecoveryCode);
