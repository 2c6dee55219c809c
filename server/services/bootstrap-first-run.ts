import { randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { Membership, Organization } from "../db/entities/index.ts";
import { createApiKey } from "./create-api-key.ts";
import { recordEvent } from "./record-event.ts";
import { createUser } from "./users/create-user.ts";

export type FirstRunInput = { readonly adminEmail?: string; readonly adminPassword?: string };

/** What the operator sees once: the generated password (when we made one) and the API key are never shown again. */
export type FirstRunResult = {
  readonly organizationId: string;
  readonly organizationSlug: string;
  readonly adminEmail: string;
  readonly generatedPassword: string | undefined;
  readonly apiKey: string;
};

export const DEFAULT_ADMIN_EMAIL = "admin@latch.local";
const SYSTEM = { type: "system" } as const;

/**
 * On an empty database, creates the first organization, its owner and an `admin` API key, all in one transaction.
 * Returns null when an organization already exists. An advisory lock makes replicas that start together agree.
 */
export async function bootstrapFirstRun(
  em: EntityManager,
  input: FirstRunInput,
  now: Date,
): Promise<FirstRunResult | null> {
  return em.transactional(async (tx) => {
    await tx.execute("select pg_advisory_xact_lock(hashtext('latch:first-run'))");
    if ((await tx.count(Organization, {})) > 0) return null;
    const generatedPassword = input.adminPassword ? undefined : randomBytes(18).toString("base64url");
    const email = input.adminEmail ?? DEFAULT_ADMIN_EMAIL;
    const organization = tx.create(Organization, { name: "Default", slug: "default", createdAt: now, updatedAt: now });
    recordEvent(
      tx,
      {
        type: "organization.created",
        organizationId: organization.id,
        subjectType: "organization",
        subjectId: organization.id,
        actor: SYSTEM,
        payload: { name: organization.name, slug: organization.slug },
      },
      now,
    );
    // The operator chose (or was shown) this address, so it counts as verified.
    const user = await createUser(
      tx,
      {
        email,
        password: input.adminPassword ?? generatedPassword!,
        displayName: "Administrator",
        emailVerified: true,
        organizationId: organization.id,
        role: "owner",
        actor: SYSTEM,
      },
      now,
    );
    tx.create(Membership, { user, organization, role: "owner", createdAt: now });
    await tx.flush();
    const { key } = await createApiKey(
      tx,
      { organizationId: organization.id, name: "First-run admin key", scopes: ["admin"], actor: SYSTEM },
      now,
    );
    return {
      organizationId: organization.id,
      organizationSlug: organization.slug,
      adminEmail: email,
      generatedPassword,
      apiKey: key,
    };
  });
}
