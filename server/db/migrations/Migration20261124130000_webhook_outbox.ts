import { Migration } from "@mikro-orm/migrations";

/**
 * Turns `events` into the webhook outbox: `dispatched_at` marks the rows the dispatcher has fanned out, a partial
 * index keeps the undispatched ones cheap to find, and an insert notifies `latch_events` at commit so the dispatcher
 * wakes at once instead of polling. Events written before this migration are history, not news: they are marked
 * dispatched so no webhook receives them. Deliveries record what caused them (and, logged when they end, are never
 * `pending`), and both tables get an index on `created_at` for the retention job.
 */
export class Migration20261124130000_webhook_outbox extends Migration {
  override name = "Migration20261124130000_webhook_outbox";

  override up(): void {
    this.addSql(`alter table "events" add "dispatched_at" timestamptz null;`);
    this.addSql(`update "events" set "dispatched_at" = "created_at";`);
    this.addSql(`create index "events_created_at_index" on "events" ("created_at");`);
    this.addSql(`create index "events_undispatched_index" on "events" ("created_at") where "dispatched_at" is null;`);
    this.addSql(`create or replace function latch_notify_event() returns trigger language plpgsql as $$
begin
  perform pg_notify('latch_events', '');
  return null;
end
$$;`);
    // Per statement, and with one payload: PostgreSQL folds the notifications of a transaction into one.
    this.addSql(`create trigger "events_notify_dispatcher" after insert on "events"
  for each statement execute function latch_notify_event();`);

    this.addSql(`alter table "webhook_deliveries" add "trigger" text not null default 'event';`);
    this.addSql(`create index "webhook_deliveries_created_at_index" on "webhook_deliveries" ("created_at");`);
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_trigger_check" check ("trigger" in ('event', 'redelivery', 'test'));`,
    );
    // Attempts are logged when they end: none is ever pending.
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_status_check";`);
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_status_check" check ("status" in ('succeeded', 'failed'));`,
    );
  }

  override down(): void {
    this.addSql(`drop trigger if exists "events_notify_dispatcher" on "events";`);
    this.addSql(`drop function if exists latch_notify_event();`);
    this.addSql(`drop index "events_created_at_index";`);
    this.addSql(`drop index "events_undispatched_index";`);
    this.addSql(`alter table "events" drop column "dispatched_at";`);

    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_status_check";`);
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_status_check" check ("status" in ('pending', 'succeeded', 'failed'));`,
    );
    this.addSql(`drop index "webhook_deliveries_created_at_index";`);
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_trigger_check";`);
    this.addSql(`alter table "webhook_deliveries" drop column "trigger";`);
  }
}
