import { Migration } from "@mikro-orm/migrations";

/**
 * Login rate limits shared by every replica: the attempts of the last window, per key, in an UNLOGGED table (no WAL:
 * losing them in a crash only forgets a minute of attempts), and one function that counts and records an attempt
 * atomically under an advisory lock on its key, so concurrent attempts on several replicas cannot all slip under the
 * limit. It drops the key's attempts older than the window, and now and then everyone's older than an hour (windows
 * are at most an hour), so keys never seen again do not pile up.
 */
export class Migration20261127110000_shared_rate_limit extends Migration {
  override name = "Migration20261127110000_shared_rate_limit";

  override up(): void {
    this.addSql(`create unlogged table "rate_limit_events" ("key" text not null, "at" timestamptz not null);`);
    this.addSql(`create index "rate_limit_events_key_at_index" on "rate_limit_events" ("key", "at");`);
    this.addSql(`create index "rate_limit_events_at_index" on "rate_limit_events" ("at");`);
    this.addSql(`create or replace function latch_consume_rate_limit(p_key text, p_now timestamptz, p_window interval,
  p_limit integer) returns table (allowed boolean, retry_after_ms double precision) language plpgsql as $$
declare
  v_count integer;
  v_oldest timestamptz;
begin
  perform pg_advisory_xact_lock(hashtextextended(p_key, 7310));
  delete from rate_limit_events where key = p_key and at <= p_now - p_window;
  if random() < 0.01 then
    delete from rate_limit_events where at <= p_now - interval '1 hour';
  end if;
  select count(*), min(at) into v_count, v_oldest from rate_limit_events where key = p_key;
  if v_count >= p_limit then
    return query select false, (extract(epoch from (v_oldest + p_window - p_now)) * 1000)::double precision;
  else
    insert into rate_limit_events (key, at) values (p_key, p_now);
    return query select true, 0::double precision;
  end if;
end
$$;`);
  }

  override down(): void {
    this.addSql(`drop function if exists latch_consume_rate_limit(text, timestamptz, interval, integer);`);
    this.addSql(`drop table if exists "rate_limit_events";`);
  }
}
