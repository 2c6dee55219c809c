import { Migration } from "@mikro-orm/migrations";

/**
 * Every change that can invalidate a cached client (an app's settings, activation or deletion; a secret added,
 * revoked, expired or deleted) notifies `latch_clients` with the application id, so every server process drops its
 * cached record of that client at commit. `last_used_at` bookkeeping does not notify.
 */
export class Migration20261124120000_client_change_notify extends Migration {
  override name = "Migration20261124120000_client_change_notify";

  override up(): void {
    this.addSql(`create or replace function latch_notify_client_change() returns trigger language plpgsql as $$
begin
  if tg_table_name = 'applications' then
    perform pg_notify('latch_clients', coalesce(new.id, old.id)::text);
  elsif tg_op = 'UPDATE' and new.application_id is distinct from old.application_id then
    perform pg_notify('latch_clients', old.application_id::text);
    perform pg_notify('latch_clients', new.application_id::text);
  else
    perform pg_notify('latch_clients', coalesce(new.application_id, old.application_id)::text);
  end if;
  return null;
end
$$;`);
    this.addSql(`create trigger "applications_notify_client_change" after update or delete on "applications"
  for each row execute function latch_notify_client_change();`);
    this.addSql(`create trigger "client_secrets_notify_client_change" after insert or delete on "client_secrets"
  for each row execute function latch_notify_client_change();`);
    this.addSql(`create trigger "client_secrets_notify_client_change_update" after update on "client_secrets"
  for each row when (
    old.revoked_at is distinct from new.revoked_at or old.expires_at is distinct from new.expires_at
    or old.secret_hash is distinct from new.secret_hash or old.application_id is distinct from new.application_id
  ) execute function latch_notify_client_change();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists "client_secrets_notify_client_change_update" on "client_secrets";`);
    this.addSql(`drop trigger if exists "client_secrets_notify_client_change" on "client_secrets";`);
    this.addSql(`drop trigger if exists "applications_notify_client_change" on "applications";`);
    this.addSql(`drop function if exists latch_notify_client_change();`);
  }
}
