import type { EntityManager } from "@mikro-orm/postgresql";
import { IdentityProvider } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

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
    recordEvent(
      tx,
      {
        type: "identity_provider.deleted",
        organizationId: input.organizationId,
        applicationId: provider.application.id,
        subjectType: "identity_provider",
        subjectId: provider.id,
        actor: input.actor,
        payload: {
          applicationId: provider.application.id,
          identityProviderId: provider.id,
          kind: provider.kind,
          displayName: provider.displayName ?? null,
        },
      },
      now,
    );
    await tx.nativeDelete(IdentityProvider, { id: provider.id });
  });
}
