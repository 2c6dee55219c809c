import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { Organization, Scope } from "../../db/entities/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import { checkScopeDescription, checkScopeName } from "./scope-rules.ts";

export type CreateScopeInput = {
  readonly organizationId: string;
  readonly name: string;
  readonly description: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/** Adds a custom scope to the organization's catalogue; its apps may then list it in their allowed scopes. */
export async function createScope(em: EntityManager, input: CreateScopeInput, now: Date): Promise<Scope> {
  const name = checkScopeName(input.name);
  const description = checkScopeDescription(input.description);
  try {
    return await em.transactional(async (tx) => {
      const organization = await tx.findOne(Organization, { id: input.organizationId });
      if (!organization) throw new NotFoundError("Organization");
      const scope = tx.create(Scope, { organization, name, description, createdAt: now, updatedAt: now });
      recordEvent(
        tx,
        {
          type: "scope.created",
          organizationId: organization.id,
          subjectType: "scope",
          subjectId: scope.id,
          actor: input.actor,
          payload: { scopeId: scope.id, name, description },
        },
        now,
      );
      return scope;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError(`a scope named "${name}" already exists in this organization`, "name");
    }
    throw error;
  }
}
