import type { EntityManager } from "@mikro-orm/postgresql";
import { Application } from "../../db/entities/index.ts";
import { NotFoundError, ValidationError } from "../errors.ts";

/** The longest range one read may cover: a year, leap day included. */
export const MAX_USAGE_DAYS = 366;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One UTC day of an application's usage; days without activity read as zeros. */
export type UsageDay = {
  readonly day: string;
  readonly authorizations: number;
  readonly tokensAuthorizationCode: number;
  readonly tokensRefreshToken: number;
  readonly tokensClientCredentials: number;
  readonly tokensPassword: number;
  readonly refreshes: number;
  readonly denials: number;
  readonly errors: number;
  /** Distinct users who were issued an access token for the app that day. */
  readonly activeUsers: number;
};

export type ReadUsageInput = {
  readonly applicationId: string;
  /** The caller's organization: an app of another one is not found. */
  readonly organizationId: string;
  /** First day, `YYYY-MM-DD` (UTC). */
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
};

/** Milliseconds since the epoch of a `YYYY-MM-DD` that names a real calendar day, else undefined. */
export function parseIsoDay(value: string): number | undefined {
  if (!ISO_DAY.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March; a real day formats back to itself.
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value ? undefined : time;
}

function validateRange(from: string, to: string): { from: number; to: number } {
  const start = parseIsoDay(from);
  if (start === undefined) throw new ValidationError("from", '"from" must be a calendar day as YYYY-MM-DD');
  const end = parseIsoDay(to);
  if (end === undefined) throw new ValidationError("to", '"to" must be a calendar day as YYYY-MM-DD');
  if (end < start) throw new ValidationError("to", '"to" must not be before "from"');
  const days = (end - start) / DAY_MS + 1;
  if (days > MAX_USAGE_DAYS) {
    throw new ValidationError("to", `the range covers ${days} days; at most ${MAX_USAGE_DAYS} may be read at once`);
  }
  return { from: start, to: end };
}

/**
 * An application's usage for every day from `from` to `to` (inclusive, UTC), in one statement: the day series left
 * joined to the daily counters and to the distinct users issued an access token each day.
 */
export async function readUsage(em: EntityManager, input: ReadUsageInput): Promise<UsageDay[]> {
  const range = validateRange(input.from, input.to);
  const app = await em.findOne(Application, { id: input.applicationId, organization: input.organizationId });
  if (!app) throw new NotFoundError("Application");
  const start = new Date(range.from).toISOString();
  const endExclusive = new Date(range.to + DAY_MS).toISOString();
  const rows = await em.execute<Record<string, string | number>[]>(
    `with days as (
       select d::date as day from generate_series(cast(? as date), cast(? as date), interval '1 day') as d
     ),
     active as (
       select (created_at at time zone 'UTC')::date as day, count(distinct user_id) as users
       from access_tokens
       where application_id = ? and user_id is not null
         and created_at >= cast(? as timestamptz) and created_at < cast(? as timestamptz)
       group by 1
     )
     select to_char(days.day, 'YYYY-MM-DD') as day,
            coalesce(u.authorizations, 0) as authorizations,
            coalesce(u.tokens_authorization_code, 0) as tokens_authorization_code,
            coalesce(u.tokens_refresh_token, 0) as tokens_refresh_token,
            coalesce(u.tokens_client_credentials, 0) as tokens_client_credentials,
            coalesce(u.tokens_password, 0) as tokens_password,
            coalesce(u.refreshes, 0) as refreshes,
            coalesce(u.denials, 0) as denials,
            coalesce(u.errors, 0) as errors,
            coalesce(active.users, 0)::int as active_users
     from days
     left join usage_counters u on u.application_id = ? and u.day = days.day
     left join active on active.day = days.day
     order by days.day`,
    [input.from, input.to, app.id, start, endExclusive, app.id],
  );
  return rows.map((row) => ({
    day: String(row.day),
    authorizations: Number(row.authorizations),
    tokensAuthorizationCode: Number(row.tokens_authorization_code),
    tokensRefreshToken: Number(row.tokens_refresh_token),
    tokensClientCredentials: Number(row.tokens_client_credentials),
    tokensPassword: Number(row.tokens_password),
    refreshes: Number(row.refreshes),
    denials: Number(row.denials),
    errors: Number(row.errors),
    activeUsers: Number(row.active_users),
  }));
}
