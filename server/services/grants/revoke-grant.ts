import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, Grant } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { grantRevocation } from "./grant-revocation.ts";
import { revokeGrantRows } from "./revoke-grant-rows.ts";

export type RevokeGrantInput = {
  readonly grantId: string;
  /** Only a grant of this user (the Disconnect button) or of this organization's apps (the control plane). */
  readonly scope: { readonly userId: string } | { readonly organizationId: string };
  readonly reason: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/** Revokes a grant and every code and token issued under it, in one transaction with its Event. */
export async function revokeGrant(em: EntityManager, input: RevokeGrantInput, now: Date): Promise<Grant> {
  return (await revokeGrantCounted(em, input, now)).grant;
}

/**
 * {@link revokeGrant}, also telling whether this call revoked it (1) or found it already revoked (0). The grant row
 * is locked first, so two concurrent revocations write one Event between them.
 */
export async function revokeGrantCounted(
  em: EntityManager,
  input: RevokeGrantInput,
  now: Date,
): Promise<{ grant: Grant; revokedCount: number }> {
  if (!isUuid(input.grantId)) throw new NotFoundError("Grant");
  return em.transactional(async (tx) => {
    // FOR NO KEY UPDATE, not FOR UPDATE: a refresh in flight holds its token's row and inserts the successor, whose
    // foreign key takes FOR KEY SHARE on this grant; FOR UPDATE would wait on it while it waits on us (a deadlock).
    await tx.execute("select 1 from grants where id = ? for no key update", [input.grantId]);
    const grant = await tx.findOne(Grant, { id: input.grantId });
    const app = grant ? await tx.findOne(Application, { id: grant.application.id }) : null;
    const owned =
      grant &&
      ("userId" in input.scope
        ? grant.user.id === input.scope.userId
        : app?.organization.id === input.scope.organizationId);
    if (!grant || !app || !owned) throw new NotFoundError("Grant");
    // Already revoked with every grant of its app: the worker marks its row (and writes its Event) as it does the rest.
    if (grantRevocation(grant, app.grantsRevokedBefore ?? null)) return { grant, revokedCount: 0 };
    const revokedCount = await revokeGrantRows(
      tx,
      { grants: [grant], organizationId: app.organization.id, reason: input.reason, actor: input.actor },
      now,
    );
    if (revokedCount > 0 && "userId" in input.scope) {
      recordEvent(
        tx,
        {
          type: "user.disconnected",
          organizationId: app.organization.id,
          applicationId: app.id,
          subjectType: "user",
          subjectId: grant.user.id,
          actor: input.actor,
          payload: { grantId: grant.id },
        },
        now,
      );
    }
    return { grant, revokedCount };
  });
}
