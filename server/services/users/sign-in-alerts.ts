import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";

/**
 * Turns sign-in alerts on or off for `userId`. The alert itself is sent by the event worker from the
 * `user.signed_in` Event (events/sign-in-alert-job.ts), so it goes out only once the sign-in committed.
 */
export async function setSignInAlerts(em: EntityManager, userId: string, on: boolean, now: Date): Promise<void> {
  await em.nativeUpdate(User, { id: userId }, { notifySignIns: on, updatedAt: now });
}
