import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { SECONDS_SETTINGS, type SecondsRange } from "../../db/entities/application-settings.ts";
import { Application, Scope } from "../../db/entities/index.ts";
import { inTransaction } from "../../db/transaction.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import {
  checkAllowedScopes,
  checkAppName,
  checkColor,
  checkGrantTypes,
  checkIsResourceServer,
  checkManagedBy,
  checkPublicUrl,
  checkSeconds,
  checkTokenEndpointAuthMethod,
} from "./application-rules.ts";

/** Fields an update may change; absent means unchanged, null clears an optional one. The type cannot change. */
export type ApplicationChanges = {
  readonly name?: string;
  readonly description?: string | null;
  readonly allowedScopes?: readonly string[];
  readonly grantTypes?: readonly string[];
  readonly allowPasswordGrant?: boolean;
  readonly accessTokenFormat?: "jwt" | "opaque";
  readonly accessTokenTtl?: number;
  readonly refreshTokenTtl?: number;
  readonly refreshTokenRotation?: boolean;
  readonly refreshReuseInterval?: number;
  readonly tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post" | "any";
  readonly isResourceServer?: boolean;
  readonly logoUrl?: string | null;
  readonly primaryColor?: string | null;
  readonly secondaryColor?: string | null;
  readonly homepageUrl?: string | null;
  readonly privacyPolicyUrl?: string | null;
  readonly termsOfServiceUrl?: string | null;
  /** The deployment that manages the app; null or empty clears it. */
  readonly managedBy?: string | null;
};

async function validated(
  tx: EntityManager,
  app: Application,
  changes: ApplicationChanges,
): Promise<Partial<Application>> {
  const next: Record<string, unknown> = {};
  if (changes.name !== undefined) next.name = checkAppName(changes.name);
  if (changes.description !== undefined) next.description = changes.description?.trim() || null;
  if (changes.managedBy !== undefined) next.managedBy = checkManagedBy(changes.managedBy);
  if (changes.allowedScopes !== undefined) {
    const custom = await tx.find(Scope, { organization: app.organization.id }, { fields: ["name"] });
    next.allowedScopes = checkAllowedScopes(
      changes.allowedScopes,
      custom.map((scope) => scope.name),
    );
  }
  const allowPassword = changes.allowPasswordGrant ?? app.allowPasswordGrant;
  if (changes.grantTypes !== undefined || changes.allowPasswordGrant !== undefined) {
    next.grantTypes = checkGrantTypes(changes.grantTypes ?? app.grantTypes, app.type, allowPassword);
    next.allowPasswordGrant = allowPassword;
  }
  if (changes.accessTokenFormat !== undefined) next.accessTokenFormat = changes.accessTokenFormat;
  if (changes.refreshTokenRotation !== undefined) next.refreshTokenRotation = changes.refreshTokenRotation;
  // null (from GraphQL) puts these back to their defaults.
  if (changes.tokenEndpointAuthMethod !== undefined) {
    next.tokenEndpointAuthMethod = checkTokenEndpointAuthMethod(changes.tokenEndpointAuthMethod ?? "any", app.type);
  }
  if (changes.isResourceServer !== undefined) {
    next.isResourceServer = checkIsResourceServer(changes.isResourceServer ?? false, app.type);
  }
  for (const [field, range] of Object.entries(SECONDS_SETTINGS) as [keyof typeof SECONDS_SETTINGS, SecondsRange][]) {
    if (changes[field] !== undefined) next[field] = checkSeconds(field, changes[field], range);
  }
  for (const field of ["primaryColor", "secondaryColor"] as const) {
    if (changes[field] !== undefined) next[field] = checkColor(field, changes[field]);
  }
  for (const field of ["logoUrl", "homepageUrl", "privacyPolicyUrl", "termsOfServiceUrl"] as const) {
    if (changes[field] !== undefined) next[field] = checkPublicUrl(field, changes[field]);
  }
  return next as Partial<Application>;
}

/** Changes an app's settings in place; every field is validated before anything is written. */
export async function updateApplication(
  em: EntityManager,
  input: {
    applicationId: string;
    organizationId: string;
    changes: ApplicationChanges;
    actor: { type: ActorType; id?: string | null };
  },
  now: Date,
): Promise<Application> {
  try {
    return await inTransaction(em, async (tx) => {
      const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
      if (!app) throw new NotFoundError("Application");
      const next = await validated(tx, app, input.changes);
      const changed = Object.keys(next).filter(
        (key) => JSON.stringify(next[key as keyof Application]) !== JSON.stringify(app[key as keyof Application]),
      );
      if (changed.length === 0) return app;
      tx.assign(app, { ...next, updatedAt: now });
      recordEvent(
        tx,
        {
          type: "application.updated",
          organizationId: input.organizationId,
          applicationId: app.id,
          subjectType: "application",
          subjectId: app.id,
          actor: input.actor,
          payload: { name: app.name, changed },
        },
        now,
      );
      return app;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError(
        `an application named "${input.changes.name}" already exists in this organization`,
        "name",
      );
    }
    throw error;
  }
}
