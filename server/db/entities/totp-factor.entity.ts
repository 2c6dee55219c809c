import { defineEntity, p } from "@mikro-orm/postgresql";
import { User } from "./user.entity.ts";

/**
 * A user's authenticator app (RFC 6238 TOTP), at most one per user. The shared secret is sealed under the master
 * key (bound to the row's id); `confirmedAt` is null until a first code proved the app holds it, and only a confirmed
 * factor is asked for at sign-in. `lastUsedStep` is the time step of the last code accepted: a code of that step or
 * an earlier one is refused, so an observed code cannot be replayed within its window.
 */
export const TotpFactorSchema = defineEntity({
  name: "TotpFactor",
  tableName: "totp_factors",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade").unique(),
    secretEncrypted: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    confirmedAt: p.datetime().nullable(),
    lastUsedStep: p.integer().nullable(),
  },
});

export class TotpFactor extends TotpFactorSchema.class {}
TotpFactorSchema.setClass(TotpFactor);
