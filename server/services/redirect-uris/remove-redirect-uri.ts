import type { EntityManager } from "@mikro-orm/postgresql";
import { RedirectUri } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type RemoveRedirectUriInput = {
  readonly redirectUriId: string;
  readonly organizationId: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Removes a redirect URI of an app of the organization: authorization requests naming it fail from the moment the
 * transaction commits. Returns the id of the app it belonged to.
 */
export async function removeRedirectUri(
  em: EntityManager,
  input: RemoveRedirectUriInput,
  now: Date,
): Promise<{ applicationId: string }> {
  return em.transactional(async (tx) => {
    const row = await tx.findOne(RedirectUri, {
      id: input.redirectUriId,
      application: { organization: input.organizationId },
    });
    if (!row) throw new NotFoundError("RedirectUri");
    const applicationId = row.application.id;
    recordEvent(
      tx,
      {
        type: "redirect_uri.removed",
        organizationId: input.organizationId,
        applicationId,
        subjectType: "redirect_uri",
        subjectId: row.id,
        actor: input.actor,
        payload: { applicationId, uri: row.uri },
      },
      now,
    );
    tx.remove(row);
    return { applicationId };
  });
}
