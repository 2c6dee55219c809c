import { defineEntity, p } from "@mikro-orm/postgresql";
import { User } from "./user.entity.ts";

/**
 * A passkey (WebAuthn credential) of a user, several per user. `credentialId` and `publicKey` (COSE) are base64url;
 * `counter` is the authenticator's signature counter (0 for most passkeys, which keep none). `backedUp` and
 * `deviceType` (`singleDevice` / `multiDevice`) come from the authenticator data's BE/BS flags: a synced passkey
 * signs in as `swk`, a device-bound one as `hwk`.
 */
export const WebauthnCredentialSchema = defineEntity({
  name: "WebauthnCredential",
  tableName: "webauthn_credentials",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade").index(),
    credentialId: p.text().unique(),
    publicKey: p.text(),
    counter: p.bigint("number"),
    transports: p.array().default([]),
    name: p.text(),
    deviceType: p.text(),
    backedUp: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
  },
});

export class WebauthnCredential extends WebauthnCredentialSchema.class {}
WebauthnCredentialSchema.setClass(WebauthnCredential);
