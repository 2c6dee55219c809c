import { defineEntity, p } from "@mikro-orm/postgresql";
import { IdentityProvider, identityProviderKinds } from "./identity-provider.entity.ts";
import { User } from "./user.entity.ts";

/**
 * A user's linked upstream account, keyed by (issuer, subject). It outlives the provider configuration that created
 * it (`provider` is set to null when that is deleted), so the link still resolves if the provider is re-added.
 */
export const ExternalIdentitySchema = defineEntity({
  name: "ExternalIdentity",
  tableName: "external_identities",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    provider: () => p.manyToOne(IdentityProvider).ref().nullable().deleteRule("set null"),
    kind: p.enum(identityProviderKinds),
    issuer: p.text(),
    subject: p.text(),
    email: p.text().nullable(),
    displayName: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ["issuer", "subject"] }],
  indexes: [{ properties: ["user"] }],
});

export class ExternalIdentity extends ExternalIdentitySchema.class {}
ExternalIdentitySchema.setClass(ExternalIdentity);
