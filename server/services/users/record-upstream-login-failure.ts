import type { EntityManager } from "@mikro-orm/postgresql";
import type { IdentityProviderKind } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";

export type UpstreamLoginFailure = {
  /** Null when the provider itself could not be found. */
  readonly provider: {
    readonly id: string;
    readonly kind: IdentityProviderKind;
    readonly applicationId: string;
    readonly organizationId: string;
  } | null;
  /** A stable code: an `UpstreamError` code or an `UpstreamSignInRefusal`. */
  readonly reason: string;
  /** The upstream's own OAuth `error` (e.g. `access_denied`), when it sent one. */
  readonly upstreamError?: string | undefined;
};

/**
 * Records `user.login_failed` for a sign-in through an identity provider that did not complete, in its own
 * transaction (nothing else was written). The payload names the provider and the reason, never a token or a code.
 */
export async function recordUpstreamLoginFailure(
  em: EntityManager,
  failure: UpstreamLoginFailure,
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    recordEvent(
      tx,
      {
        type: "user.login_failed",
        organizationId: failure.provider?.organizationId ?? null,
        applicationId: failure.provider?.applicationId ?? null,
        subjectType: "user",
        actor: { type: "system" },
        payload: {
          method: "upstream",
          identityProviderId: failure.provider?.id ?? null,
          kind: failure.provider?.kind ?? null,
          reason: failure.reason,
          ...(failure.upstreamError !== undefined && { upstreamError: errorCode(failure.upstreamError) }),
        },
      },
      now,
    );
  });
}

/** The upstream's `error` as RFC 6749 §4.1.2.1 allows it; the callback's query is anyone's to write, so cap it. */
function errorCode(value: string): string {
  return /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(value) ? value : "invalid_error_code";
}
