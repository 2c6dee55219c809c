import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";
import { checkName } from "../applications/application-rules.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

/** The longest overlap a rotation may keep old secrets for: long enough for any deploy, short enough to matter. */
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 60 * 60;

/** A secret's label: trimmed, 1 to 100 characters. */
export function checkSecretName(value: string): string {
  return checkName("name", value);
}

/** An expiry, when given, must lie in the future: a secret born expired would only confuse. */
export function checkExpiresAt(value: Date | null | undefined, now: Date): Date | null {
  if (value === undefined || value === null) return null;
  if (Number.isNaN(value.getTime())) throw new ValidationError("expiresAt", "expiresAt must be a valid timestamp");
  if (value.getTime() <= now.getTime()) throw new ValidationError("expiresAt", "expiresAt must be in the future");
  return value;
}

export function checkOverlapSeconds(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_ROTATION_OVERLAP_SECONDS) {
    throw new ValidationError(
      "overlapSeconds",
      `overlapSeconds must be an integer from 0 to ${MAX_ROTATION_OVERLAP_SECONDS} (30 days)`,
    );
  }
  return value;
}

/**
 * The confidential app whose secrets change, locked for the rest of the transaction so that concurrent creates,
 * rotations and revocations of its secrets apply one after the other (two racing rotations would otherwise each
 * miss the other's new secret and leave both without an expiry).
 */
export async function lockConfidentialApplication(
  tx: EntityManager,
  applicationId: string,
  organizationId: string,
): Promise<Application> {
  const app = await tx.findOne(
    Application,
    { id: applicationId, organization: organizationId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!app) throw new NotFoundError("Application");
  if (app.type !== "confidential") {
    throw new ValidationError("applicationId", "public applications have no client secrets");
  }
  return app;
}
