import { defineEntity, p } from "@mikro-orm/postgresql";
import { Organization } from "./organization.entity.ts";

export const integrationGrantTypes = ["authorization_code", "client_credentials", "password"] as const;
export type IntegrationGrantType = (typeof integrationGrantTypes)[number];

/** Outbound OAuth client credentials of an organization for one integration domain (secrets envelope-encrypted). */
export const IntegrationCredentialSchema = defineEntity({
  name: "IntegrationCredential",
  tableName: "integration_credentials",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    domain: p.text(),
    clientId: p.text(),
    clientSecretEncrypted: p.text(),
    clientSecretLast4: p.text(),
    authorizeUrl: p.text().nullable(),
    tokenUrl: p.text(),
    /** RFC 7009 revocation endpoint: a disconnect revokes the user's tokens there when it is set. */
    revocationUrl: p.text().nullable(),
    scopes: p.array(),
    grantType: p.enum(integrationGrantTypes),
    /** For the `password` grant. */
    username: p.text().nullable(),
    passwordEncrypted: p.text().nullable(),
    audience: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["organization", "domain"] }],
});

export class IntegrationCredential extends IntegrationCredentialSchema.class {}
IntegrationCredentialSchema.setClass(IntegrationCredential);
