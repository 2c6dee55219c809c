import type pg from "pg";
import type { EventType } from "../services/event-types.ts";
import { EVENT_COLUMNS } from "../services/record-event.ts";

const SECRET_EXPIRING: EventType = "client_secret.expiring";

/** The expiry warnings owners get: a warning a week before a client secret expires, and another the day before. */
export const EXPIRY_WINDOWS = [
  { window: "7d", within: "7 days", after: "1 day" },
  { window: "1d", within: "1 day", after: "0 seconds" },
] as const;

/**
 * Records `client_secret.expiring` Events for unrevoked secrets entering a window, at most once per secret and
 * window (an existing Event of that window is the record that it was sent). A secret already inside the 1-day window
 * gets only that warning, not both. The Events go out through the outbox like any other.
 */
export async function recordSecretExpiryWarnings(pool: pg.Pool, now: Date): Promise<number> {
  let recorded = 0;
  for (const { window, within, after } of EXPIRY_WINDOWS) {
    const result = await pool.query(
      `insert into events (${EVENT_COLUMNS})
       select gen_random_uuid(), '${SECRET_EXPIRING}', a.organization_id, a.id, 'client_secret', cs.id::text, 'system', null,
              jsonb_build_object('applicationId', a.id, 'clientId', a.client_id, 'name', cs.name, 'last4', cs.last4,
                                 'expiresAt', cs.expires_at, 'window', $2::text),
              $1
         from client_secrets cs join applications a on a.id = cs.application_id
        where cs.revoked_at is null
          and cs.expires_at > $1::timestamptz + $4::interval
          and cs.expires_at <= $1::timestamptz + $3::interval
          and not exists (select 1 from events e
                           where e.type = '${SECRET_EXPIRING}' and e.subject_id = cs.id::text and e.payload->>'window' = $2)`,
      [now, window, within, after],
    );
    recorded += result.rowCount ?? 0;
  }
  return recorded;
}
