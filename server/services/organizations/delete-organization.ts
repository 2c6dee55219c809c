import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership, Organization } from "../../db/entities/index.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { ensureSignedInOwner, lockOrganizationRow } from "./organization-rules.ts";

/**
 * An owner, signed in, deletes a workspace after typing its exact name. The database's cascades take its apps
 * (with their secrets, redirect URIs, codes and tokens), the grants given for it, its memberships, invitations,
 * scopes, API keys, webhooks and integrations, in one transaction with the `organization.deleted` Event (the
 * audit row keeps the id; Events have no foreign key). Tokens already handed out die with their app: every check
 * of a JWT or an opaque token looks the app up.
 *
 * The owner's last workspace cannot be deleted (ConflictError): the console and the control plane always act in
 * one, so they create another first. Other members for whom it was the last simply have none until invited.
 */
export async function deleteOrganization(
  em: EntityManager,
  input: {
    readonly organizationId: string;
    readonly confirmName: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const organization = await lockOrganizationRow(tx, input.organizationId);
    const userId = await ensureSignedInOwner(tx, organization.id, input.actor);
    if (input.confirmName.trim() !== organization.name) {
      throw new ValidationError("confirmName", "type the workspace's exact name to delete it");
    }
    const theirs = await tx.count(Membership, { user: userId });
    if (theirs <= 1) {
      throw new ConflictError("this is your only workspace; create another before deleting it", "id");
    }
    recordEvent(
      tx,
      {
        type: "organization.deleted",
        organizationId: organization.id,
        subjectType: "organization",
        subjectId: organization.id,
        actor: input.actor,
        payload: { name: organization.name, slug: organization.slug },
      },
      now,
    );
    await tx.nativeDelete(Organization, { id: organization.id });
  });
}
