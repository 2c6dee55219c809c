import { Migration } from "@mikro-orm/migrations";

/** The table, the columns whose change can alter what a cached live token answers. */
const WATCHED: readonly (readonly [table: string, columns: readonly string[]])[] = [
  ["access_tokens", ["revoked_at", "expires_at", "application_id", "grant_id", "user_id", "scopes"]],
  ["grants", ["revoked_at", "created_at", "application_id", "organization_id", "user_id"]],
  ["applications", ["is_active", "grants_revoked_before", "client_id", "organization_id"]],
  ["users", ["email", "email_verified", "display_name", "avatar_url"]],
];

/**
 * Every change that can make a cached live access token inactive, or change what introspection and `/users/@me`
 * answer for it (a token revoked; a grant revoked or moved; an app disabled, revoked wholesale or deleted; a user's
 * profile changed or the user deleted), notifies `latch_token_state` once per statement, so every server process
 * clears its token-state cache at commit. Statement-level: revoking 100,000 grants is one notification, and
 * PostgreSQL folds identical notifications of one transaction into one. Issuing tokens (inserts) notifies nothing.
 */
export class Migration20261127100000_token_state_notify extends Migration {
  override name = "Migration20261127100000_token_state_notify";

  override up(): void {
    this.addSql(`create or replace function latch_notify_token_state() returns trigger language plpgsql as $$
begin
  perform pg_notify('latch_token_state', '');
  return null;
end
$$;`);
    for (const [table, columns] of WATCHED) {
      this.addSql(`create trigger "${table}_notify_token_state" after update of ${columns.map((c) => `"${c}"`).join(", ")}
  or delete or truncate on "${table}" for each statement execute function latch_notify_token_state();`);
    }
  }

  override down(): void {
    for (const [table] of WATCHED) this.addSql(`drop trigger if exists "${table}_notify_token_state" on "${table}";`);
    this.addSql(`drop function if exists latch_notify_token_state();`);
  }
}
