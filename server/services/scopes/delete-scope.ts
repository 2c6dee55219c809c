import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { Application, Scope } from "../../db/entities/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type DeleteScopeInput = {
  readonly scopeId: string;
  readonly organizationId: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Deletes a custom scope, refusing while an app of the organization still lists it in its allowed scopes: the app
 * would keep requesting a scope the catalogue no longer describes. Returns the deleted scope's name.
 */
export async function deleteScope(em: EntityManager, input: DeleteScopeInput, now: Date): Promise<{ name: string }> {
  return em.transactional(async (tx) => {
    const scope = await tx.findOne(
      Scope,
      { id: input.scopeId, organization: input.organizationId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!scope) throw new NotFoundError("Scope");
    const using = await tx.count(Application, {
      organization: input.organizationId,
      allowedScopes: { $contains: [scope.name] },
    });
    if (using > 0) {
      throw new ConflictError(
        `scope "${scope.name}" is still allowed by ${using} application${using === 1 ? "" : "s"}; remove it from their allowedScopes first`,
        "id",
      );
    }
    recordEvent(
      tx,
      {
        type: "scope.deleted",
        organizationId: input.organizationId,
        subjectType: "scope",
        subjectId: scope.id,
        actor: input.actor,
        payload: { scopeId: scope.id, name: scope.name },
      },
      now,
    );
    tx.remove(scope);
    return { name: scope.name };
  });
}
