import type { EntityManager } from "@mikro-orm/postgresql";
import type { Organization, SignUpPolicy } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { checkOrganizationName, lockOrganizationRow } from "./organization-rules.ts";

/**
 * Renames the caller's organization and sets who may sign up through its apps (`signUpPolicy`) and whether consent
 * to them needs a verified email (`requireVerifiedEmail`): owners, admins and admin API keys; the face checks the
 * scope. Left-out (or null) fields stay. The slug stays: it names the workspace in `Latch-Organization` headers and
 * scripts, which a rename must not break. One `organization.updated` Event lists what changed, with what it was.
 */
export async function updateOrganization(
  em: EntityManager,
  input: {
    readonly organizationId: string;
    readonly name?: string | null;
    readonly signUpPolicy?: SignUpPolicy | null;
    readonly requireVerifiedEmail?: boolean | null;
    /** Whether its owners and admins must sign in with a second factor (enforced at their next sign-in). */
    readonly requireMfaForAdmins?: boolean | null;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<Organization> {
  const name = input.name == null ? null : checkOrganizationName(input.name);
  return em.transactional(async (tx) => {
    const organization = await lockOrganizationRow(tx, input.organizationId);
    const changes: Record<string, unknown> = {};
    if (name !== null && name !== organization.name) {
      Object.assign(changes, { name, previousName: organization.name });
      organization.name = name;
    }
    if (input.signUpPolicy != null && input.signUpPolicy !== organization.signUpPolicy) {
      Object.assign(changes, { signUpPolicy: input.signUpPolicy, previousSignUpPolicy: organization.signUpPolicy });
      organization.signUpPolicy = input.signUpPolicy;
    }
    if (input.requireVerifiedEmail != null && input.requireVerifiedEmail !== organization.requireVerifiedEmail) {
      changes.requireVerifiedEmail = input.requireVerifiedEmail;
      organization.requireVerifiedEmail = input.requireVerifiedEmail;
    }
    if (input.requireMfaForAdmins != null && input.requireMfaForAdmins !== organization.requireMfaForAdmins) {
      changes.requireMfaForAdmins = input.requireMfaForAdmins;
      organization.requireMfaForAdmins = input.requireMfaForAdmins;
    }
    if (Object.keys(changes).length === 0) return organization;
    organization.updatedAt = now;
    recordEvent(
      tx,
      {
        type: "organization.updated",
        organizationId: organization.id,
        subjectType: "organization",
        subjectId: organization.id,
        actor: input.actor,
        payload: changes,
      },
      now,
    );
    return organization;
  });
}
