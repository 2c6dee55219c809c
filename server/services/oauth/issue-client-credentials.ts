import type { EntityManager } from "@mikro-orm/postgresql";
import { decideClientCredentials } from "../../oauth/grants/client-credentials.ts";
import type { ClientRecord } from "./client-record.ts";
import { type IssuerDeps, issueTokenSet, type TokenSet } from "./issue-token-set.ts";

/** The client_credentials grant (RFC 6749 §4.4): an access token for the client itself, never a refresh token. */
export async function issueClientCredentials(
  em: EntityManager,
  deps: IssuerDeps,
  input: { client: ClientRecord; scopes: readonly string[] },
  now: Date,
): Promise<TokenSet> {
  const { scopes } = decideClientCredentials({ client: input.client, requestedScopes: input.scopes });
  const tx = em.fork();
  const set = await issueTokenSet(
    tx,
    deps,
    {
      client: input.client,
      user: null,
      grantId: null,
      scopes,
      refresh: null,
      authorizationCodeId: null,
      idToken: null,
    },
    now,
  );
  await tx.flush();
  return set;
}
