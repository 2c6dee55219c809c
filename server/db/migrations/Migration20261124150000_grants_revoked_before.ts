import { Migration } from "@mikro-orm/migrations";

/**
 * `applications.grants_revoked_before`: revoking every grant of an app sets it, and every token path treats a grant
 * created before it as revoked at once, whatever its own row says yet; the rows (and their `grant.revoked` Events)
 * follow in the background. Keycloak's per-client "not before" works the same way.
 */
export class Migration20261124150000_grants_revoked_before extends Migration {
  override name = "Migration20261124150000_grants_revoked_before";

  override up(): void {
    this.addSql(`alter table "applications" add column "grants_revoked_before" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "applications" drop column "grants_revoked_before";`);
  }
}
