import type { LatchSeed, ProcessHandle } from "./latch.ts";
import type { LoadSpec, Target } from "./load.ts";
import type { Peer } from "./peer.ts";
import type { RawLimit } from "./raw-limit.ts";

export type BenchOptions = {
  readonly connections: number;
  readonly duration: number;
  readonly warmup: number;
  /** `scale`: users seeded; each grants all ten scale apps, and every grant gets a refresh and an access token. */
  readonly scaleUsers: number;
  /** NODE_OPTIONS for the Latch process (empty: none, as `npm start` runs it). */
  readonly latchNodeOptions: string;
  /** The load generator asked for (`--generator`). */
  readonly generator: "autocannon" | "wrk";
  /** wrk's path when `generator` is wrk and it was found; null: wrk was asked for and is missing (autocannon runs). */
  readonly wrk?: string | null;
  /** Consecutive rounds of the selected rows (`--runs`); with more than one, the minimum ratio of each row is printed. */
  readonly runs: number;
};

export type BenchContext = {
  readonly latch: ProcessHandle;
  readonly seed: LatchSeed;
  readonly peer: Peer;
  readonly raw: RawLimit;
  readonly options: BenchOptions;
};

/** One line of the results table: the same work asked of Latch and, where it has one, of the peer. */
export type Row = {
  readonly name: string;
  readonly latch: Target;
  readonly peer?: Target;
  /** The bare sign-only server, for the scenario whose ceiling it shows. */
  readonly raw?: Target;
  /** Targets (for the report): at least this ratio of Latch to the peer. */
  readonly minRatio?: number;
};

export type Scenario = {
  readonly name: string;
  readonly description: string;
  rows(ctx: BenchContext): Promise<Row[]>;
};

export const FORM = "application/x-www-form-urlencoded";

/** A target that sends one fixed request. */
export function fixedTarget(spec: LoadSpec, check: () => Promise<void>): Target {
  return { spec: async () => spec, check };
}

/** Sends `spec`'s request once (with fetch) and returns status and parsed JSON body. */
export async function once(
  url: string,
  init: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${init.path}`, {
    method: init.method ?? "GET",
    headers: init.headers,
    body: init.body,
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

export function expectOk(what: string, result: { status: number; body: Record<string, unknown> }, field: string): void {
  if (result.status !== 200 || result.body[field] === undefined) {
    throw new Error(`${what}: expected 200 with "${field}", got ${result.status} ${JSON.stringify(result.body)}`);
  }
}
