import type { EntityManager } from "@mikro-orm/postgresql";
import { IdentityProvider } from "../../db/entities/index.ts";
import { recordAppOwnedEvent } from "../app-owned-event.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";

/**
 * Removes a provider from its app's login page. Accounts people linked through it stay (their link loses its
 * provider), so deleting a provider never deletes a user.
 */
export async function deleteIdentityProvider(
  em: EntityManager,
  input: {
    readonly identityProviderId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const provider = await tx.findOne(IdentityProvider, {
      id: input.identityProviderId,
      application: { organization: input.organizationId },
    });
    if (!provider) throw new NotFoundError("IdentityProvider");
    recordAppOwnedEvent(
      tx,
      "identity_provider.deleted",
      { kind: "identity_provider", id: provider.id, applicationId: provider.application.id },
      input,
      {
        kind: provider.kind,
        displayName: provider.displayName ?? null,
      },
      now,
    );
    await tx.nativeDelete(IdentityProvider, { id: provider.id });
  });
}
