import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";
import { IntegrationCredential } from "./integration-credential.entity.ts";
import { Organization } from "./organization.entity.ts";

/**
 * A Standard Webhooks endpoint for an application, or for the whole organization when `application` is null.
 * After a secret rotation the previous secret also signs deliveries until `previousSecretExpiresAt`.
 */
export const WebhookSchema = defineEntity({
  name: "Webhook",
  tableName: "webhooks",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    application: () => p.manyToOne(Application).ref().nullable().deleteRule("cascade"),
    url: p.text(),
    description: p.text().nullable(),
    events: p.array(),
    secretEncrypted: p.text(),
    previousSecretEncrypted: p.text().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    /** A service integration whose access token authenticates deliveries (Authorization: Bearer) beside the signature. */
    authIntegration: () => p.manyToOne(IntegrationCredential).ref().nullable().deleteRule("set null"),
    active: p.boolean().default(true),
    consecutiveFailures: p.integer().default(0),
    disabledAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["organization"] }, { properties: ["application"] }],
});

export class Webhook extends WebhookSchema.class {}
WebhookSchema.setClass(Webhook);
