import type { EntityManager } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";
import { inTransaction } from "../../db/transaction.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { revokeApplicationAccess } from "./revoke-application-access.ts";

/**
 * Enables or disables an app. Disabling revokes every code, token and grant at once, in the same transaction, and
 * records the instant (`tokensRevokedBefore`) before which no access token of the app is live again, so re-enabling
 * it later never brings old tokens back to life, not even the JWTs that have no row to revoke.
 */
export async function setApplicationActive(
  em: EntityManager,
  input: {
    applicationId: string;
    organizationId: string;
    active: boolean;
    actor: { type: ActorType; id?: string | null };
  },
  now: Date,
): Promise<Application> {
  return inTransaction(em, async (tx) => {
    const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
    if (!app) throw new NotFoundError("Application");
    if (app.isActive === input.active) return app;
    app.isActive = input.active;
    app.updatedAt = now;
    if (!input.active) {
      app.tokensRevokedBefore = now;
      await revokeApplicationAccess(tx, app.id, "application_disabled", now);
    }
    recordEvent(
      tx,
      {
        type: input.active ? "application.enabled" : "application.disabled",
        organizationId: input.organizationId,
        applicationId: app.id,
        subjectType: "application",
        subjectId: app.id,
        actor: input.actor,
        payload: { name: app.name, clientId: app.clientId },
      },
      now,
    );
    return app;
  });
}
