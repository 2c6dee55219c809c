import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";

export const identityProviderKinds = ["google", "github", "microsoft", "apple", "discord", "oidc"] as const;
export type IdentityProviderKind = (typeof identityProviderKinds)[number];

/** An upstream login provider offered on an application's login page ("Continue with ..."). */
export const IdentityProviderSchema = defineEntity({
  name: "IdentityProvider",
  tableName: "identity_providers",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    kind: p.enum(identityProviderKinds),
    displayName: p.text().nullable(),
    clientId: p.text(),
    /** Envelope ciphertext; the plaintext is write-only. */
    clientSecretEncrypted: p.text(),
    clientSecretLast4: p.text(),
    /** Apple only: with a key id, the sealed secret is the developer's .p8 key and Latch signs the client secret. */
    appleTeamId: p.text().nullable(),
    appleKeyId: p.text().nullable(),
    issuer: p.text().nullable(),
    authorizationEndpoint: p.text().nullable(),
    tokenEndpoint: p.text().nullable(),
    userinfoEndpoint: p.text().nullable(),
    scopes: p.array(),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["application"] }],
});

export class IdentityProvider extends IdentityProviderSchema.class {}
IdentityProviderSchema.setClass(IdentityProvider);
