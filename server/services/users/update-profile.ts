import type { EntityManager } from "@mikro-orm/postgresql";
import { User } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { avatarUrlProblem, displayNameProblem } from "./profile-rules.ts";
import { recordUserEvent, userEventScopes } from "./record-user-event.ts";

export type UpdateProfileInput = {
  readonly userId: string;
  readonly displayName: string;
  /** Empty or null clears the avatar. */
  readonly avatarUrl: string | null;
};

export type UpdateProfileResult =
  | { readonly ok: true; readonly changed: readonly ("displayName" | "avatarUrl")[] }
  | { readonly ok: false; readonly field: "displayName" | "avatarUrl"; readonly message: string };

/**
 * Changes a user's display name and avatar URL (validated by {@link displayNameProblem} and
 * {@link avatarUrlProblem}). When something changed, records `user.updated` (payload `changed`: the field names)
 * for every app and workspace that knows the user, in the same transaction. Saving the same values changes nothing
 * and records nothing.
 */
export async function updateProfile(
  em: EntityManager,
  input: UpdateProfileInput,
  now: Date,
): Promise<UpdateProfileResult> {
  const displayName = input.displayName.trim();
  const nameProblem = displayNameProblem(displayName);
  if (nameProblem) return { ok: false, field: "displayName", message: nameProblem };
  const avatarUrl = input.avatarUrl?.trim() || null;
  const avatarProblem = avatarUrl === null ? null : avatarUrlProblem(avatarUrl);
  if (avatarProblem) return { ok: false, field: "avatarUrl", message: avatarProblem };
  return em.transactional(async (tx) => {
    const user = await tx.findOne(User, { id: input.userId });
    if (!user) throw new NotFoundError("User");
    const changed: ("displayName" | "avatarUrl")[] = [];
    if (user.displayName !== displayName) changed.push("displayName");
    if ((user.avatarUrl ?? null) !== avatarUrl) changed.push("avatarUrl");
    if (changed.length === 0) return { ok: true, changed };
    tx.assign(user, { displayName, avatarUrl, updatedAt: now });
    recordUserEvent(
      tx,
      await userEventScopes(tx, user.id),
      { type: "user.updated", userId: user.id, actor: { type: "user", id: user.id }, payload: { changed } },
      now,
    );
    return { ok: true, changed };
  });
}
