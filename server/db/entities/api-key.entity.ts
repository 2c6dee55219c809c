import { defineEntity, p } from "@mikro-orm/postgresql";
import { Organization } from "./organization.entity.ts";
import { User } from "./user.entity.ts";

/** An organization's credential for the control plane and the Pulumi provider (SHA-256 hex + last4 only). */
export const ApiKeySchema = defineEntity({
  name: "ApiKey",
  tableName: "api_keys",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    name: p.text(),
    keyHash: p.text().unique(),
    last4: p.text(),
    scopes: p.array(),
    createdBy: () => p.manyToOne(User).ref().nullable().deleteRule("set null"),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["organization"] }],
});

export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
