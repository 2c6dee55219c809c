import { randomUUID } from "node:crypto";
import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { hasValidChecksum } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Application, AuthorizationCode, Grant } from "../../db/entities/index.ts";
import { InvalidGrantError, InvalidRequestError, type OAuthError } from "../../oauth/errors.ts";
import { decideCodeExchange } from "../../oauth/grants/authorization-code.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import { type IssuerDeps, issueTokenSet, type TokenSet } from "./issue-token-set.ts";
import { revokeTokensOfCode } from "./revoke-token-family.ts";

export type CodeExchangeInput = {
  readonly client: ClientRecord;
  readonly code: string | undefined;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
};

/**
 * The authorization_code grant (RFC 6749 §4.1.3). The code row is locked, so two exchanges of one code serialize:
 * the first wins, the second is a replay that revokes what the first received.
 */
export async function exchangeAuthorizationCode(
  em: EntityManager,
  deps: IssuerDeps,
  input: CodeExchangeInput,
  now: Date,
): Promise<TokenSet> {
  // A missing parameter is invalid_request (RFC 6749 §5.2), not invalid_grant.
  if (!input.code) throw new InvalidRequestError('"code" parameter is required');
  if (!input.code.startsWith("latch_ac_") || !hasValidChecksum(input.code)) {
    throw new InvalidGrantError("authorization code is invalid, expired or already used");
  }
  const codeHash = hashSecret(input.code);
  const result = await em.fork().transactional(async (tx): Promise<TokenSet | OAuthError> => {
    const row = await tx.findOne(AuthorizationCode, { codeHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const decision = decideCodeExchange({
      code: row
        ? {
            applicationId: row.application.id,
            redirectUri: row.redirectUri ?? null,
            codeChallenge: row.codeChallenge ?? null,
            expiresAt: row.expiresAt,
            consumedAt: row.consumedAt ?? null,
          }
        : null,
      clientApplicationId: input.client.id,
      redirectUri: input.redirectUri,
      codeVerifier: input.codeVerifier,
      now,
    });
    if (decision.outcome === "reject") {
      if (decision.revokeIssuedTokens && row) {
        await revokeTokensOfCode(tx, row.id, "code_replayed", now);
        // Attribute the event to the code's own app (and org), not to whichever client presented it.
        const owner = await tx.findOne(Application, { id: row.application.id });
        recordEvent(
          tx,
          {
            type: "token.code_replayed",
            organizationId: owner?.organization.id ?? input.client.organizationId,
            applicationId: row.application.id,
            subjectType: "authorization_code",
            subjectId: row.id,
            actor: { type: "client", id: input.client.clientId },
          },
          now,
        );
      }
      return decision.error;
    }
    row!.consumedAt = now;
    const grant = row!.grant ? await tx.findOne(Grant, { id: row!.grant.id }) : null;
    if (row!.grant && (!grant || grant.revokedAt))
      return new InvalidGrantError("the authorization behind this code was revoked");
    return issueTokenSet(
      tx,
      deps,
      {
        client: input.client,
        user: { id: row!.user.id },
        grantId: grant?.id ?? null,
        scopes: row!.scopes,
        refresh: input.client.grantTypes.includes("refresh_token") ? { familyId: randomUUID(), parentId: null } : null,
        authorizationCodeId: row!.id,
        idToken: { nonce: row!.nonce ?? null, authTime: row!.authTime },
      },
      now,
    );
  });
  if (result instanceof Error) throw result;
  return result;
}
