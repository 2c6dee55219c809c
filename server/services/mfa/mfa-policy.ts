import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership } from "../../db/entities/index.ts";

/**
 * Whether an organization the user owns or administers requires a second factor of its owners and admins
 * (`requireMfaForAdmins`): such a user is asked to enrol at sign-in and may not remove their last factor.
 */
export async function mfaRequiredByPolicy(em: EntityManager, userId: string): Promise<boolean> {
  const count = await em.count(Membership, {
    user: userId,
    role: { $in: ["owner", "admin"] },
    organization: { requireMfaForAdmins: true },
  });
  return count > 0;
}
