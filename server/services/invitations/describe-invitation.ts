import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";
import { findInvitationByToken, type InvitationProblem } from "./invitation-rules.ts";

/** What the accept page shows about an invitation, as plain data. */
export type InvitationView =
  | {
      readonly ok: true;
      readonly email: string;
      readonly emailNormalized: string;
      readonly role: string;
      readonly organizationName: string;
      /** An account has the invited address: its owner signs in to accept, else they create it on the page. */
      readonly accountExists: boolean;
    }
  | { readonly ok: false; readonly problem: InvitationProblem };

/**
 * The pending invitation `token` names, for the page its link opens. Only the holder of the link learns whether the
 * invited address has an account, and the link went to that address.
 */
export async function describeInvitation(em: EntityManager, token: unknown, now: Date): Promise<InvitationView> {
  const found = await findInvitationByToken(em, token, now);
  if (!found.ok) return found;
  const { invitation, organization } = found;
  return {
    ok: true,
    email: invitation.email,
    emailNormalized: invitation.emailNormalized,
    role: invitation.role,
    organizationName: organization.name,
    accountExists: (await em.count(User, { emailNormalized: invitation.emailNormalized })) > 0,
  };
}
