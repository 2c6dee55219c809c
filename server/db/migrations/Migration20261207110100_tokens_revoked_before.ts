import { Migration } from "@mikro-orm/migrations";

/**
 * `applications.tokens_revoked_before`: disabling an app sets it, and every access token issued before it (a
 * client_credentials JWT has no row to revoke) stays inactive after the app is enabled again. Keycloak's per-client
 * "not before" works the same way.
 */
export class Migration20261207110100_tokens_revoked_before extends Migration {
  override name = "Migration20261207110100_tokens_revoked_before";

  override up(): void {
    this.addSql(`alter table "applications" add column "tokens_revoked_before" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "applications" drop column "tokens_revoked_before";`);
  }
}
