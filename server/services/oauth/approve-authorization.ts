import type { EntityManager } from "@mikro-orm/postgresql";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { Application, AuthorizationCode, Grant, Organization, User } from "../../db/entities/index.ts";
import type { AuthorizeRequest } from "../../oauth/authorize-request.ts";
import { recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";
import { ensureGrant } from "./ensure-grant.ts";

/** Codes are single use and short-lived (RFC 6749 §4.1.2 recommends at most 10 minutes; docs/design.md says 60 s). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export type ApproveInput = {
  readonly client: ClientRecord;
  readonly userId: string;
  readonly request: AuthorizeRequest;
  readonly organizationId: string | null;
  readonly authTime: Date;
  /** The session's `amr` (RFC 8176), carried by the code to the ID token. */
  readonly amr?: readonly string[];
};

/**
 * The user said yes (or had already): records the grant and mints the authorization code, in one transaction.
 * Returns the plaintext code; only its hash is stored.
 */
export async function approveAuthorization(
  em: EntityManager,
  input: ApproveInput,
  now: Date,
): Promise<{ code: string; grantId: string }> {
  return em.transactional(async (tx) => {
    const actor = { type: "user" as const, id: input.userId };
    const grant = await ensureGrant(
      tx,
      {
        userId: input.userId,
        client: input.client,
        organizationId: input.organizationId,
        scopes: input.request.scopes,
        permissions: input.request.bot?.permissions ?? null,
        actor,
      },
      now,
    );
    const code = mintSecret(SECRET_PREFIXES.authorizationCode);
    tx.create(AuthorizationCode, {
      codeHash: hashSecret(code),
      application: tx.getReference(Application, input.client.id),
      user: tx.getReference(User, input.userId),
      grant: tx.getReference(Grant, grant.id),
      organization: input.organizationId ? tx.getReference(Organization, input.organizationId) : null,
      // RFC 6749 §4.1.3: the token request must repeat redirect_uri only if the authorization request carried it.
      redirectUri: input.request.redirectUriProvided === false ? null : (input.request.redirectUri ?? null),
      scopes: [...input.request.scopes],
      codeChallenge: input.request.codeChallenge ?? null,
      codeChallengeMethod: input.request.codeChallengeMethod ?? null,
      nonce: input.request.nonce ?? null,
      authTime: input.authTime,
      amr: input.amr ? [...input.amr] : null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
    });
    recordEvent(
      tx,
      {
        type: "user.signed_in",
        organizationId: input.client.organizationId,
        applicationId: input.client.id,
        subjectType: "user",
        subjectId: input.userId,
        actor,
        payload: { method: "session", workspaceId: input.organizationId },
      },
      now,
    );
    return { code, grantId: grant.id };
  });
}
