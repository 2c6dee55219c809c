import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, RedirectUri } from "../../db/entities/index.ts";
import { inTransaction } from "../../db/transaction.ts";
import { checkRedirectUris } from "../applications/application-rules.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

/**
 * Makes an app's redirect URIs exactly `uris` (a set: order and duplicates do not matter), in one transaction:
 * URIs already registered are kept (with their lastUsedAt), the others removed or added, each with its Event.
 */
export async function replaceRedirectUris(
  em: EntityManager,
  input: {
    readonly applicationId: string;
    readonly organizationId: string;
    readonly uris: readonly string[];
    readonly actor: { readonly type: ActorType; readonly id?: string | null };
  },
  now: Date,
): Promise<{ changed: boolean }> {
  const wanted = checkRedirectUris(input.uris);
  return inTransaction(em, async (tx) => {
    const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
    if (!app) throw new NotFoundError("Application");
    const existing = await tx.find(RedirectUri, { application: app.id });
    const removed = existing.filter((row) => !wanted.includes(row.uri));
    const added = wanted.filter((uri) => !existing.some((row) => row.uri === uri));
    const event = (type: "redirect_uri.added" | "redirect_uri.removed", id: string, uri: string) =>
      recordEvent(
        tx,
        {
          type,
          organizationId: input.organizationId,
          applicationId: app.id,
          subjectType: "redirect_uri",
          subjectId: id,
          actor: input.actor,
          payload: { applicationId: app.id, uri },
        },
        now,
      );
    for (const row of removed) {
      event("redirect_uri.removed", row.id, row.uri);
      tx.remove(row);
    }
    // Removals first, so the (application, uri) unique index never sees a URI twice.
    await tx.flush();
    for (const uri of added) {
      const row = tx.create(RedirectUri, { application: app, uri, createdAt: now, lastUsedAt: null });
      event("redirect_uri.added", row.id, uri);
    }
    const changed = removed.length > 0 || added.length > 0;
    if (changed) app.updatedAt = now;
    return { changed };
  });
}
