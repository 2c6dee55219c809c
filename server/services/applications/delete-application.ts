import type { EntityManager } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * Deletes an app and, through the database's cascades, its redirect URIs, secrets, grants, codes and tokens, in one
 * transaction with its Event. JWTs already handed out die with it: every check of a JWT looks the app up.
 */
export async function deleteApplication(
  em: EntityManager,
  input: { applicationId: string; organizationId: string; actor: { type: ActorType; id?: string | null } },
  now: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
    if (!app) throw new NotFoundError("Application");
    recordEvent(
      tx,
      {
        type: "application.deleted",
        organizationId: input.organizationId,
        applicationId: app.id,
        subjectType: "application",
        subjectId: app.id,
        actor: input.actor,
        payload: { name: app.name, clientId: app.clientId },
      },
      now,
    );
    await tx.nativeDelete(Application, { id: app.id });
  });
}
