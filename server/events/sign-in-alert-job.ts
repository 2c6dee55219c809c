import type pg from "pg";
import type { Mailer } from "../services/mail/mailer.ts";
import { signInAlertMessage } from "../services/mail/sign-in-alert-message.ts";
import { describeDevice } from "../services/sessions/describe-device.ts";
import type { JobSpec } from "./sql.ts";

/** graphile-worker task that mails a user who turned sign-in alerts on about one new session. */
export const SIGN_IN_ALERT_TASK = "latch_sign_in_alert";

export function signInAlertJobSpec(eventId: string): JobSpec {
  return { identifier: SIGN_IN_ALERT_TASK, payload: { eventId }, max_attempts: 5 };
}

/**
 * Which of `eventIds` are sign-ins that opened a session (their payload names it: not an app authorized inside an
 * existing session) of a user with alerts on. Read by the dispatcher in its transaction.
 */
export async function signInAlertEvents(client: pg.PoolClient, eventIds: readonly string[]): Promise<string[]> {
  const found = await client.query<{ id: string }>(
    `select e.id from events e join users u on u.id::text = e.subject_id
      where e.id = any($1::uuid[]) and e.type = 'user.signed_in' and e.payload ? 'sessionId' and u.notify_sign_ins`,
    [eventIds],
  );
  return found.rows.map((row) => row.id);
}

type AlertRow = {
  email: string;
  notify_sign_ins: boolean;
  created_at: Date;
  method: string | null;
  user_agent: string | null;
  ip_address: string | null;
};

/**
 * Sends the alert of one `user.signed_in` Event, from what the database holds now: nothing when the user is gone or
 * turned alerts off since. A transport failure throws, so graphile-worker retries (at most 5 times).
 */
export async function sendSignInAlert(
  pool: pg.Pool,
  deps: { readonly mailer: Mailer; readonly publicUrl: string },
  eventId: string,
): Promise<boolean> {
  const found = await pool.query<AlertRow>(
    `select u.email, u.notify_sign_ins, e.created_at, e.payload->>'method' as method, s.user_agent, s.ip_address
       from events e
       join users u on u.id::text = e.subject_id
       left join sessions s on s.id = (e.payload->>'sessionId')::uuid
      where e.id = $1 and e.type = 'user.signed_in'`,
    [eventId],
  );
  const row = found.rows[0];
  if (!row?.notify_sign_ins) return false;
  await deps.mailer.send(
    signInAlertMessage({
      to: row.email,
      at: row.created_at,
      method: row.method ?? "",
      device: row.user_agent ? describeDevice(row.user_agent) : null,
      address: row.ip_address,
      sessionsUrl: `${deps.publicUrl}/account/sessions`,
    }),
  );
  return true;
}
