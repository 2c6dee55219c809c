import { type EntityManager, LockMode } from "@mikro-orm/postgresql";
import { Membership, Organization } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";

const MAX_NAME = 100;
const MAX_SLUG = 40;

/** A workspace's display name: trimmed, 1 to 100 characters, no control characters. */
export function checkOrganizationName(value: string, field = "name"): string {
  const name = value.trim();
  if (name.length === 0) throw new ValidationError(field, "name must not be empty");
  if (name.length > MAX_NAME) throw new ValidationError(field, `name must be at most ${MAX_NAME} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new ValidationError(field, "name must not contain control characters");
  return name;
}

/**
 * The URL-safe base of a slug: lower-case ASCII letters, digits and single hyphens, accents dropped. A name with
 * none of those (emoji, another script) gets `workspace`; one that would read as a UUID gets a suffix, since the
 * `Latch-Organization` header accepts either an id or a slug.
 */
export function slugBase(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, "");
  if (slug.length === 0) return "workspace";
  return isUuid(slug) ? `${slug.slice(0, MAX_SLUG - 3)}-ws` : slug;
}

/** The first of `base`, `base-2`, `base-3`, ... no organization holds yet. */
export async function freeSlug(tx: EntityManager, name: string): Promise<string> {
  const base = slugBase(name);
  const taken = new Set(
    (await tx.find(Organization, { slug: { $like: `${base}%` } }, { fields: ["slug"] })).map((row) => row.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The organization, locked for the rest of the transaction; NotFoundError when it is gone. */
export async function lockOrganizationRow(tx: EntityManager, organizationId: string): Promise<Organization> {
  const organization = isUuid(organizationId)
    ? await tx.findOne(Organization, { id: organizationId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (!organization) throw new NotFoundError("Organization");
  return organization;
}

/** Only an owner signed in as themselves (not an API key, not an admin) may delete a workspace. */
export async function ensureSignedInOwner(
  tx: EntityManager,
  organizationId: string,
  actor: { readonly type: ActorType; readonly id?: string | null },
): Promise<string> {
  const refused = new ForbiddenError("only an owner, signed in, can delete the organization");
  if (actor.type !== "user" || !actor.id) throw refused;
  const own = await tx.findOne(Membership, { organization: organizationId, user: actor.id });
  if (own?.role !== "owner") throw refused;
  return actor.id;
}
