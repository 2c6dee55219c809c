import type { EntityManager } from "@mikro-orm/postgresql";
import * as oauth from "oauth4webapi";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { upstreamFlowVerifierAad } from "../../crypto/secret-aad.ts";
import { hashSecret } from "../../crypto/sha256.ts";
import { UpstreamFlow, type UpstreamFlowPurpose } from "../../db/entities/index.ts";

/** Long enough to sign in upstream (and recover a password there), short enough that a stale tab fails cleanly. */
export const UPSTREAM_FLOW_TTL_MS = 10 * 60_000;

export type StartUpstreamFlowInput = {
  readonly purpose: UpstreamFlowPurpose;
  readonly identityProviderId?: string;
  readonly integrationId?: string;
  /** `connection`: the signed-in user connecting. */
  readonly userId?: string;
  /** `login`: the same-origin path to resume; `connection`: the opener's origin. */
  readonly returnTo: string;
  /** The browser's binding value (a cookie), see `server/http/upstream-binding-cookie.ts`. */
  readonly browserBinding: string;
  /** OIDC: ask for (and later demand) a nonce in the id_token. */
  readonly withNonce: boolean;
};

export type StartedUpstreamFlow = {
  readonly flowId: string;
  /** Goes to the upstream as `state`; only its hash is stored. */
  readonly state: string;
  /** RFC 7636 S256 challenge of the verifier sealed in the row. */
  readonly codeChallenge: string;
  readonly nonce: string | undefined;
};

/**
 * Records a pending outbound authorization request (RFC 6749 §4.1.1 with RFC 7636 PKCE): fresh state, verifier and
 * nonce, one row, usable once within {@link UPSTREAM_FLOW_TTL_MS}. The caller builds the upstream URL from the result.
 */
export async function startUpstreamFlow(
  em: EntityManager,
  keyring: MasterKeyring,
  input: StartUpstreamFlowInput,
  now: Date,
): Promise<StartedUpstreamFlow> {
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = input.withNonce ? oauth.generateRandomNonce() : undefined;
  const flowId = crypto.randomUUID();
  await em.transactional(async (tx) => {
    tx.create(UpstreamFlow, {
      id: flowId,
      stateHash: hashSecret(state),
      purpose: input.purpose,
      identityProvider: input.identityProviderId ?? null,
      integration: input.integrationId ?? null,
      user: input.userId ?? null,
      codeVerifierEncrypted: seal(keyring, verifier, upstreamFlowVerifierAad(flowId)),
      nonce: nonce ?? null,
      returnTo: input.returnTo,
      browserBindingHash: hashSecret(input.browserBinding),
      createdAt: now,
      expiresAt: new Date(now.getTime() + UPSTREAM_FLOW_TTL_MS),
      consumedAt: null,
    });
  });
  return { flowId, state, codeChallenge: await oauth.calculatePKCECodeChallenge(verifier), nonce };
}
