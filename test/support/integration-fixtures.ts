import type { MikroORM } from "@mikro-orm/postgresql";
import { seal } from "../../server/crypto/envelope.ts";
import type { MasterKeyring } from "../../server/crypto/master-key.ts";
import { integrationPasswordAad, integrationSecretAad } from "../../server/crypto/secret-aad.ts";
import { IntegrationCredential, type IntegrationGrantType } from "../../server/db/entities/index.ts";

export type IntegrationFixture = {
  readonly organizationId: string;
  readonly domain: string;
  readonly grantType: IntegrationGrantType;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly authorizeUrl?: string;
  readonly revocationUrl?: string;
  readonly scopes?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly audience?: string;
};

/**
 * Inserts an integration credential row directly, sealed the way the services seal it: for tests of the flows that
 * use one (connections, service tokens) without going through the GraphQL control plane.
 */
export async function insertIntegration(
  server: { readonly orm: MikroORM; readonly keyring: MasterKeyring },
  input: IntegrationFixture,
): Promise<IntegrationCredential> {
  const em = server.orm.em.fork();
  const id = crypto.randomUUID();
  const now = new Date();
  const row = em.create(IntegrationCredential, {
    id,
    organization: input.organizationId,
    domain: input.domain,
    clientId: input.clientId,
    clientSecretEncrypted: seal(server.keyring, input.clientSecret, integrationSecretAad(id)),
    clientSecretLast4: input.clientSecret.slice(-4),
    authorizeUrl: input.authorizeUrl ?? null,
    tokenUrl: input.tokenUrl,
    revocationUrl: input.revocationUrl ?? null,
    scopes: [...(input.scopes ?? [])],
    grantType: input.grantType,
    username: input.username ?? null,
    passwordEncrypted: input.password ? seal(server.keyring, input.password, integrationPasswordAad(id)) : null,
    audience: input.audience ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  return row;
}
