import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, Grant, Organization, User } from "../../db/entities/index.ts";
import { expandScopes } from "../../oauth/scopes.ts";
import { notRevokedByApplication } from "../grants/grants-revoked-before.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import type { ClientRecord } from "./client-record.ts";

export type EnsureGrantInput = {
  readonly userId: string;
  readonly client: ClientRecord;
  readonly organizationId: string | null;
  readonly scopes: readonly string[];
  readonly permissions: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/**
 * Records the user's consent: widens the active grant for (user, app, workspace) when one exists, else creates one.
 * One grant per triple keeps "apps that can reach your workspace" a simple list.
 */
export async function ensureGrant(tx: EntityManager, input: EnsureGrantInput, now: Date): Promise<Grant> {
  const existing = await tx.findOne(Grant, {
    user: input.userId,
    application: input.client.id,
    organization: input.organizationId,
    revokedAt: null,
    ...(await notRevokedByApplication(tx, input.client.id)),
  });
  if (existing) {
    widenGrant(tx, existing, input, now);
    return existing;
  }
  const grant = tx.create(Grant, {
    user: tx.getReference(User, input.userId),
    application: tx.getReference(Application, input.client.id),
    organization: input.organizationId ? tx.getReference(Organization, input.organizationId) : null,
    scopes: [...input.scopes],
    permissions: input.permissions,
    createdAt: now,
    updatedAt: now,
  });
  recordGrantEvent(
    tx,
    "grant.created",
    grant,
    input,
    {
      scopes: expandScopes(input.scopes),
      permissions: input.permissions,
    },
    now,
  );
  return grant;
}

/** Adds what the user just consented to to their grant, with a `grant.updated` Event when anything changed. */
function widenGrant(tx: EntityManager, grant: Grant, input: EnsureGrantInput, now: Date): void {
  const merged = [...new Set([...grant.scopes, ...input.scopes])];
  const permissionsChange = input.permissions !== null && input.permissions !== grant.permissions;
  if (merged.length === grant.scopes.length && !permissionsChange) return;
  const previous = { scopes: expandScopes(grant.scopes), permissions: grant.permissions };
  grant.scopes = merged;
  if (permissionsChange) grant.permissions = input.permissions;
  grant.updatedAt = now;
  recordGrantEvent(
    tx,
    "grant.updated",
    grant,
    input,
    {
      scopes: expandScopes(merged),
      permissions: grant.permissions,
      previous,
    },
    now,
  );
}

/** The Event of a consent that created or widened `grant`: who, for which workspace, and what it now allows. */
function recordGrantEvent(
  tx: EntityManager,
  type: "grant.created" | "grant.updated",
  grant: Grant,
  input: EnsureGrantInput,
  details: Record<string, unknown>,
  now: Date,
): void {
  recordEvent(
    tx,
    {
      type,
      organizationId: input.client.organizationId,
      applicationId: input.client.id,
      subjectType: "grant",
      subjectId: grant.id,
      actor: input.actor,
      payload: { userId: input.userId, workspaceId: input.organizationId, ...details },
    },
    now,
  );
}
