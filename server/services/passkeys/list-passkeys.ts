import type { EntityManager } from "@mikro-orm/postgresql";
import { WebauthnCredential } from "../../db/entities/index.ts";

export type PasskeySummary = {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  /** Backed up by its provider (a synced passkey), rather than bound to one device. */
  readonly synced: boolean;
};

/** The user's passkeys, oldest first. */
export async function listPasskeys(em: EntityManager, userId: string): Promise<PasskeySummary[]> {
  const rows = await em.find(WebauthnCredential, { user: userId }, { orderBy: { createdAt: "asc", id: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt ?? null,
    synced: row.backedUp,
  }));
}

/** Whether the user has a passkey (it is a second factor at the password sign-in's second step). */
export async function hasPasskey(em: EntityManager, userId: string): Promise<boolean> {
  return (await em.count(WebauthnCredential, { user: userId })) > 0;
}
