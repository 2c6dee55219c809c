import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";
import { type AccountMailDeps, sendVerificationEmail } from "./send-verification-email.ts";

export type ResendVerificationResult = { readonly sent: boolean; readonly alreadyVerified: boolean };

/**
 * "Resend verification email" for the signed-in `userId`: a new single-use link (older ones keep working until one
 * is used, which voids the rest), unless the address is verified already. The face rate-limits it.
 */
export async function resendVerificationEmail(
  em: EntityManager,
  deps: AccountMailDeps,
  input: { readonly userId: string; readonly returnTo: string | null },
  now: Date,
): Promise<ResendVerificationResult> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) return { sent: false, alreadyVerified: false };
  if (user.emailVerified) return { sent: false, alreadyVerified: true };
  await sendVerificationEmail(em, deps, { user, returnTo: input.returnTo }, now);
  return { sent: true, alreadyVerified: false };
}
