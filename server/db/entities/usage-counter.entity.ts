import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";

/** Per-application daily counters; `day` is a UTC date as 'YYYY-MM-DD'. */
export const UsageCounterSchema = defineEntity({
  name: "UsageCounter",
  tableName: "usage_counters",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    day: p.date(),
    authorizations: p.integer().default(0),
    tokensAuthorizationCode: p.integer().default(0),
    tokensRefreshToken: p.integer().default(0),
    tokensClientCredentials: p.integer().default(0),
    tokensPassword: p.integer().default(0),
    refreshes: p.integer().default(0),
    activeUsers: p.integer().default(0),
    denials: p.integer().default(0),
    errors: p.integer().default(0),
  },
  uniques: [{ properties: ["application", "day"] }],
});

export class UsageCounter extends UsageCounterSchema.class {}
UsageCounterSchema.setClass(UsageCounter);
