import type { EntityManager } from "@mikro-orm/postgresql";
import { ExternalIdentity } from "../../db/entities/index.ts";

/** An upstream account (GitHub, Google, ...) linked to a user by signing in with it. */
export type LinkedAccount = {
  readonly id: string;
  /** The provider kind, e.g. `github`. */
  readonly kind: string;
  /** The account's id at the provider (its `sub`). */
  readonly subject: string;
  readonly displayName: string | null;
  readonly linkedAt: Date;
};

/** The upstream accounts linked to a user, oldest first. */
export async function listLinkedAccounts(em: EntityManager, userId: string): Promise<LinkedAccount[]> {
  const identities = await em.find(ExternalIdentity, { user: userId }, { orderBy: { createdAt: "asc", id: "asc" } });
  return identities.map((identity) => ({
    id: identity.id,
    kind: identity.kind,
    subject: identity.subject,
    displayName: identity.displayName ?? null,
    linkedAt: identity.createdAt,
  }));
}
