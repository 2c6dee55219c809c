import { readdir, readFile } from "node:fs/promises";
import autocannon from "autocannon";
import { driveWrk, wrkCanDrive } from "./wrk.ts";

/** What one server is driven with in one scenario: a fixed request, or a sequence with per-connection state. */
export type LoadSpec = {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly requests?: autocannon.Request[];
  readonly initialContext?: object;
};

/**
 * A target of a scenario. `spec(budget)` builds the load for one phase; `budget` is how many requests the phase is
 * expected to send, for scenarios that consume pre-minted items (codes). `check` sends one request and throws when
 * the answer is not what a client would accept, so a fast error page can never pass for throughput.
 */
export type Target = {
  spec(budget: number): Promise<LoadSpec>;
  check(): Promise<void>;
};

/** Which load generator measured a result. */
export type Generator = "autocannon" | "wrk";

export type LoadResult = {
  /** The load generator that measured it (wrk falls back to autocannon for targets with per-connection state). */
  readonly generator?: Generator;
  /** Successful (2xx) responses per second. */
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly total: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly durationS: number;
  /**
   * CPU time (user + system) the server process spent per successful request during the measured run, in µs: less
   * sensitive than req/s to other load on a shared machine. Absent when the process is not known.
   */
  readonly cpuUsPerRequest?: number;
  /**
   * CPU time every PostgreSQL process on this machine spent per successful request during the run, in µs: the part of
   * a persisted request's cost the server process does not show. Absent for in-memory targets.
   */
  readonly dbCpuUsPerRequest?: number;
  /**
   * For slow fixed-request targets (under 200 req/s under load): CPU µs per request of the server over requests sent
   * one at a time after the load. Under load, the CPU of the up to `connections` requests still in flight as the run
   * ends is counted against too few completions; one at a time, nothing is in flight at either reading.
   */
  readonly sequentialCpuUsPerRequest?: number;
};

export type LoadOptions = {
  readonly connections: number;
  readonly duration: number;
  /** The wrk binary when the run asked for wrk (`--generator wrk`); autocannon otherwise. */
  readonly wrk?: string | null;
};

export async function drive(spec: LoadSpec, options: LoadOptions): Promise<LoadResult> {
  if (options.wrk && wrkCanDrive(spec)) {
    const result = await driveWrk(options.wrk, spec, options);
    const ok = result.requests - result.non2xx;
    return {
      generator: "wrk",
      rps: ok / result.durationS,
      p50: result.p50,
      p90: result.p90,
      p99: result.p99,
      max: result.max,
      total: result.requests,
      errors: result.errors,
      non2xx: result.non2xx,
      durationS: result.durationS,
    };
  }
  const result = await autocannon({
    // autocannon takes the path from the URL; `requests` entries may override it.
    url: `${spec.url}${spec.path ?? ""}`,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    requests: spec.requests,
    initialContext: spec.initialContext,
    connections: options.connections,
    duration: options.duration,
    pipelining: 1,
    timeout: 10,
  });
  const ok = result["2xx"];
  return {
    generator: "autocannon",
    rps: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    durationS: result.duration,
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds each `postgres` process (server, backends, WAL writer, autovacuum) has used so far, by pid, from /proc
 * (Linux); null elsewhere.
 */
export async function postgresCpuByPid(): Promise<Map<string, number> | null> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return null;
  }
  const byPid = new Map<string, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== "postgres") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      byPid.set(entry, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The process exited between the listing and the read.
    }
  }
  return byPid;
}

/**
 * CPU seconds PostgreSQL spent between two readings: per process, so one that exits meanwhile (the bench's own
 * seeding connection closing idle, an autovacuum worker) does not take its earlier time off the total. Its time
 * within the window is lost, which only ever understates.
 */
export function postgresCpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Warms a target up for `warmup` seconds, then measures it for `options.duration` seconds. */
export async function measure(
  target: Target,
  options: LoadOptions & { warmup: number },
  pid?: number,
  withDatabase = false,
): Promise<LoadResult> {
  await target.check();
  let warmupRps = 2000;
  if (options.warmup > 0) {
    const warm = await drive(await target.spec(Math.ceil(10_000 * options.warmup)), {
      ...options,
      duration: options.warmup,
    });
    warmupRps = Math.max(warm.rps, 200);
  }
  // Consumable items for the measured phase: twice the warmed-up rate, plus slack (a fast, quiet minute must not
  // run a server out of codes and count its own speed as errors).
  const budget = Math.ceil(warmupRps * options.duration * 2) + 5000;
  const spec = await target.spec(budget);
  const cpuBefore = pid === undefined ? null : await cpuSeconds(pid);
  const dbBefore = withDatabase ? await postgresCpuByPid() : null;
  const result = await drive(spec, options);
  const cpuAfter = pid === undefined ? null : await cpuSeconds(pid);
  const dbAfter = withDatabase ? await postgresCpuByPid() : null;
  const ok = result.rps * result.durationS;
  if (ok <= 0) return result;
  const sequential =
    pid !== undefined && result.rps < SLOW_RPS && spec.requests === undefined
      ? await sequentialCpu(spec, pid, SEQUENTIAL_REQUESTS)
      : undefined;
  return {
    ...result,
    cpuUsPerRequest: cpuBefore === null || cpuAfter === null ? undefined : ((cpuAfter - cpuBefore) * 1e6) / ok,
    dbCpuUsPerRequest: dbBefore && dbAfter ? (postgresCpuBetween(dbBefore, dbAfter) * 1e6) / ok : undefined,
    sequentialCpuUsPerRequest: sequential,
  };
}

const SLOW_RPS = 200;
const SEQUENTIAL_REQUESTS = 40;

/** CPU µs per request of process `pid` over `count` requests of `spec` sent one after another (2xx only counted). */
async function sequentialCpu(spec: LoadSpec, pid: number, count: number): Promise<number | undefined> {
  const send = async () => {
    const response = await fetch(`${spec.url}${spec.path ?? ""}`, {
      method: spec.method ?? "GET",
      headers: spec.headers,
      body: spec.body,
    });
    await response.arrayBuffer();
    return response.ok;
  };
  await send();
  const before = await cpuSeconds(pid);
  let ok = 0;
  for (let i = 0; i < count; i++) if (await send()) ok++;
  const after = await cpuSeconds(pid);
  return before === null || after === null || ok === 0 ? undefined : ((after - before) * 1e6) / ok;
}
