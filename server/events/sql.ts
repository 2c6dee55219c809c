import type pg from "pg";

/**
 * The worker talks to PostgreSQL in plain SQL on its own pool (the one graphile-worker uses too): each step that
 * changes state (fan-out, recording an attempt, scheduling a retry, disabling a webhook) is one transaction
 * (`inTransaction` of db/native-pool.ts) that also queues the jobs that follow from it, through graphile-worker's
 * `add_jobs`, so a crash never leaves one without the other. These are its shared statements.
 */

/** A graphile-worker job as `add_jobs` takes it. */
export type JobSpec = {
  readonly identifier: string;
  readonly payload: unknown;
  readonly queue_name?: string | null;
  readonly run_at?: string | null;
  readonly max_attempts?: number | null;
};

/** Queues jobs in the caller's transaction: they exist exactly when it commits. */
export async function addJobs(client: pg.ClientBase | pg.Pool, jobs: readonly JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  await client.query(
    `select 1 from graphile_worker.add_jobs(
       array(select r from json_populate_recordset(null::graphile_worker.job_spec, $1::json) r))`,
    [JSON.stringify(jobs)],
  );
}
