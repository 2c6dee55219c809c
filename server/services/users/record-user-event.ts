import type { EntityManager } from "@mikro-orm/postgresql";
import { Grant, Membership } from "../../db/entities/index.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/** Where an Event about a user is filed: an app the user authorized (with its organization), or a workspace of theirs. */
export type UserEventScope = { readonly organizationId: string | null; readonly applicationId: string | null };

/**
 * The scopes an Event about `userId` concerns: each app the user has an active grant with (so that app's webhooks,
 * and its organization's, hear of it) and each workspace the user is a member of that no such app already covers.
 * A user with neither gets one scope without an organization: the Event is still the audit entry.
 */
export async function userEventScopes(em: EntityManager, userId: string): Promise<UserEventScope[]> {
  const grants = await em.find(Grant, { user: userId, revokedAt: null }, { populate: ["application"] });
  const memberships = await em.find(Membership, { user: userId });
  const scopes = new Map<string, UserEventScope>();
  for (const grant of grants) {
    const application = grant.application.getEntity();
    scopes.set(`${application.organization.id}:${application.id}`, {
      organizationId: application.organization.id,
      applicationId: application.id,
    });
  }
  const covered = new Set([...scopes.values()].map((scope) => scope.organizationId));
  for (const membership of memberships) {
    const organizationId = membership.organization.id;
    if (covered.has(organizationId)) continue;
    covered.add(organizationId);
    scopes.set(organizationId, { organizationId, applicationId: null });
  }
  return scopes.size > 0 ? [...scopes.values()] : [{ organizationId: null, applicationId: null }];
}

/**
 * Adds `user.updated`, `user.deleted` or a second-factor change to the unit of work once per scope of {@link userEventScopes}, so webhook
 * delivery (which matches an Event's organization and app) sends it to every integrator that knows the user. The
 * payload names fields and ids only, never an address.
 */
export function recordUserEvent(
  em: EntityManager,
  scopes: readonly UserEventScope[],
  input: {
    readonly type: "user.updated" | "user.deleted" | "user.mfa_enrolled" | "user.mfa_removed";
    readonly userId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
    readonly payload: Record<string, unknown>;
  },
  now: Date,
): void {
  for (const scope of scopes) {
    recordEvent(
      em,
      {
        type: input.type,
        organizationId: scope.organizationId,
        applicationId: scope.applicationId,
        subjectType: "user",
        subjectId: input.userId,
        actor: input.actor,
        payload: input.payload,
      },
      now,
    );
  }
}
