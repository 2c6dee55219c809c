import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";
import { User } from "./user.entity.ts";

/** A client secret of an application; only its SHA-256 (hex) and last four characters are stored. */
export const ClientSecretSchema = defineEntity({
  name: "ClientSecret",
  tableName: "client_secrets",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    name: p.text(),
    secretHash: p.text().unique(),
    last4: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdBy: () => p.manyToOne(User).ref().nullable().deleteRule("set null"),
  },
  indexes: [{ properties: ["application"] }],
});

export class ClientSecret extends ClientSecretSchema.class {}
ClientSecretSchema.setClass(ClientSecret);
