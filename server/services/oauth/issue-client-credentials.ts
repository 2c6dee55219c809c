import type { BatchedSql } from "../../db/group-batcher.ts";
import { decideClientCredentials } from "../../oauth/grants/client-credentials.ts";
import { insertAccessTokenBatched } from "./access-token-batcher.ts";
import type { ClientRecord } from "./client-record.ts";
import { type IssuerDeps, mintTokenSet, type TokenSet } from "./issue-token-set.ts";
import { insertTokenRows } from "./token-rows-sql.ts";

/**
 * The client_credentials grant (RFC 6749 §4.4): an access token for the client itself, never a refresh token. A JWT
 * needs no row (and so no SQL); an opaque token is one row of a batched INSERT.
 */
export async function issueClientCredentials(
  sql: BatchedSql,
  deps: IssuerDeps,
  input: { client: ClientRecord; scopes: readonly string[] },
  now: Date,
): Promise<TokenSet> {
  const { scopes } = decideClientCredentials({ client: input.client, requestedScopes: input.scopes });
  const { set, rows } = await mintTokenSet(
    deps,
    {
      client: input.client,
      user: null,
      grantId: null,
      workspaceId: null,
      scopes,
      refresh: null,
      authorizationCodeId: null,
      idToken: null,
    },
    now,
  );
  // An opaque token's row is written with whatever other tokens are being issued at that moment (group commit).
  if (rows.access && !rows.refresh) await insertAccessTokenBatched(sql, rows.access);
  else if (rows.refresh) await insertTokenRows(sql.pool, rows);
  return set;
}
