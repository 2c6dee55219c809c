import type { EntityManager } from "@mikro-orm/postgresql";
import { createRateLimiter, type RateLimiter } from "../../db/rate-limit.ts";
import { RateLimitedError } from "../errors.ts";

/** Limits on the mail invitations send, shared by every replica (the rate-limit table). */
export type InvitationLimits = {
  /** Mails of one invitation (its first and every resend); default 5 an hour. */
  readonly perInvitation: RateLimiter;
  /** Invitation mails of one organization; default 100 an hour, so a stolen admin session cannot spam. */
  readonly perOrganization: RateLimiter;
};

export function createInvitationLimits(em: EntityManager): InvitationLimits {
  return {
    perInvitation: createRateLimiter(em, { name: "invitation-mail", limit: 5, windowMs: 60 * 60_000 }),
    perOrganization: createRateLimiter(em, { name: "invitation-org", limit: 100, windowMs: 60 * 60_000 }),
  };
}

/** Counts one invitation mail against both limits, or throws {@link RateLimitedError} saying when to retry. */
export async function consumeInvitationMail(
  limits: InvitationLimits,
  keys: { readonly invitationId: string; readonly organizationId: string },
  now: Date,
): Promise<void> {
  const checks: [RateLimiter, string][] = [
    [limits.perInvitation, keys.invitationId],
    [limits.perOrganization, keys.organizationId],
  ];
  for (const [limiter, key] of checks) {
    const decision = await limiter.consume(key, now);
    if (!decision.allowed) {
      const minutes = Math.ceil(decision.retryAfterSeconds / 60);
      throw new RateLimitedError(
        `too many invitation emails; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}`,
        decision.retryAfterSeconds,
      );
    }
  }
}
