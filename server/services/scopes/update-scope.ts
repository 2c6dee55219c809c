import type { EntityManager } from "@mikro-orm/postgresql";
import { Scope } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { checkScopeDescription } from "./scope-rules.ts";

export type UpdateScopeInput = {
  readonly scopeId: string;
  readonly organizationId: string;
  readonly description: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Changes what the consent page says a custom scope does. The name cannot change: apps, grants and issued tokens
 * refer to the scope by name.
 */
export async function updateScope(em: EntityManager, input: UpdateScopeInput, now: Date): Promise<Scope> {
  const description = checkScopeDescription(input.description);
  return em.transactional(async (tx) => {
    const scope = await tx.findOne(Scope, { id: input.scopeId, organization: input.organizationId });
    if (!scope) throw new NotFoundError("Scope");
    if (scope.description === description) return scope;
    scope.description = description;
    scope.updatedAt = now;
    recordEvent(
      tx,
      {
        type: "scope.updated",
        organizationId: input.organizationId,
        subjectType: "scope",
        subjectId: scope.id,
        actor: input.actor,
        payload: { scopeId: scope.id, name: scope.name, description },
      },
      now,
    );
    return scope;
  });
}
