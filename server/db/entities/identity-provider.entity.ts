import { defineEntity, p } from "@mikro-orm/postgresql";
import { type LoginProviderKind, loginProviderKinds } from "../../connections/login/login-provider-kinds.ts";
import { Application } from "./application.entity.ts";

/** The kinds the outbound client can sign in with (one list, kept beside the endpoints each kind uses). */
export const identityProviderKinds = loginProviderKinds;
export type IdentityProviderKind = LoginProviderKind;

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
