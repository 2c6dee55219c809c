import type { EntityManager } from "@mikro-orm/postgresql";
import { inTransaction } from "../../db/transaction.ts";
import type { ActorType } from "../record-event.ts";
import { replaceRedirectUris } from "../redirect-uris/replace-redirect-uris.ts";
import { setApplicationActive } from "./set-application-active.ts";
import { type ApplicationChanges, updateApplication } from "./update-application.ts";

/**
 * Replaces what a REST `PUT` gives of an app, all or nothing: its redirect URIs (as a set), its settings, and whether
 * it is active. One transaction: a name that already exists (409) or an invalid field (400) leaves every part as it
 * was, never the redirect URIs changed and the rest refused.
 */
export function replaceApplication(
  em: EntityManager,
  input: {
    readonly applicationId: string;
    readonly organizationId: string;
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
    readonly redirectUris?: readonly string[];
    readonly changes: ApplicationChanges;
    readonly isActive?: boolean;
  },
  now: Date,
): Promise<void> {
  const { redirectUris, changes, isActive, ...target } = input;
  return inTransaction(em, async (tx) => {
    if (redirectUris !== undefined) await replaceRedirectUris(tx, { ...target, uris: redirectUris }, now);
    await updateApplication(tx, { ...target, changes }, now);
    if (isActive !== undefined) await setApplicationActive(tx, { ...target, active: isActive }, now);
  });
}
