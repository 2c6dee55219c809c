import { defineEntity, p } from "@mikro-orm/postgresql";
import { IntegrationCredential } from "./integration-credential.entity.ts";
import { User } from "./user.entity.ts";

export const connectionStatuses = ["active", "needs_reauth", "revoked"] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** A user's (or, with no user, the organization's service) tokens for one integration, envelope-encrypted. */
export const ConnectionSchema = defineEntity({
  name: "Connection",
  tableName: "connections",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    integration: () => p.manyToOne(IntegrationCredential).ref().deleteRule("cascade"),
    user: () => p.manyToOne(User).ref().nullable().deleteRule("cascade"),
    status: p.enum(connectionStatuses),
    accessTokenEncrypted: p.text().nullable(),
    refreshTokenEncrypted: p.text().nullable(),
    tokenType: p.text().nullable(),
    scopes: p.array(),
    expiresAt: p.datetime().nullable(),
    lastRefreshedAt: p.datetime().nullable(),
    /** The upstream's last error (an OAuth error code and description, never a token), cleared by a success. */
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["integration", "user"] }],
});

export class Connection extends ConnectionSchema.class {}
ConnectionSchema.setClass(Connection);
