import type { EntityManager } from "@mikro-orm/postgresql";
import { UpstreamError } from "../../connections/upstream-error.ts";
import { openString } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { upstreamFlowVerifierAad } from "../../crypto/secret-aad.ts";
import { hashSecret, safeEqual } from "../../crypto/sha256.ts";
import type { UpstreamFlowPurpose } from "../../db/entities/index.ts";

export type TakenUpstreamFlow = {
  readonly flowId: string;
  readonly purpose: UpstreamFlowPurpose;
  readonly identityProviderId: string | null;
  readonly integrationId: string | null;
  readonly userId: string | null;
  readonly codeVerifier: string;
  readonly nonce: string | null;
  readonly returnTo: string;
};

type FlowRow = {
  id: string;
  purpose: UpstreamFlowPurpose;
  identity_provider_id: string | null;
  integration_id: string | null;
  user_id: string | null;
  code_verifier_encrypted: string;
  nonce: string | null;
  return_to: string;
  browser_binding_hash: string;
  expires_at: Date;
};

/**
 * Consumes the pending flow a callback's `state` names, once: a replayed state, an unknown or expired one, or one
 * started in another browser (the binding cookie differs: login CSRF) fails with `upstream_flow_invalid`. The row is
 * marked consumed in the same statement that finds it, so two callbacks racing on one state cannot both win.
 */
export async function takeUpstreamFlow(
  em: EntityManager,
  keyring: MasterKeyring,
  input: { readonly state: string; readonly browserBinding: string | undefined },
  now: Date,
): Promise<TakenUpstreamFlow> {
  if (input.state.length === 0 || input.state.length > 512 || input.state.includes("\u0000")) {
    throw new UpstreamError("upstream_flow_invalid", "the callback's state is malformed");
  }
  const rows = await em.getConnection().execute<FlowRow[]>(
    `update upstream_flows set consumed_at = ? where state_hash = ? and consumed_at is null
       returning id, purpose, identity_provider_id, integration_id, user_id, code_verifier_encrypted, nonce, return_to,
         browser_binding_hash, expires_at`,
    [now, hashSecret(input.state)],
  );
  const row = rows[0];
  if (!row)
    throw new UpstreamError(
      "upstream_flow_invalid",
      "no pending sign-in matches this callback (unknown or already used)",
    );
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    throw new UpstreamError("upstream_flow_invalid", "the pending sign-in expired");
  }
  if (input.browserBinding === undefined || !safeEqual(hashSecret(input.browserBinding), row.browser_binding_hash)) {
    throw new UpstreamError(
      "upstream_flow_invalid",
      "the callback arrived in a different browser than the one that started it",
    );
  }
  return {
    flowId: row.id,
    purpose: row.purpose,
    identityProviderId: row.identity_provider_id,
    integrationId: row.integration_id,
    userId: row.user_id,
    codeVerifier: openString(keyring, row.code_verifier_encrypted, upstreamFlowVerifierAad(row.id)),
    nonce: row.nonce,
    returnTo: row.return_to,
  };
}
