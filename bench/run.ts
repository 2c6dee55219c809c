/**
 * `npm run bench [-- <scenario>...] [--duration 10] [--connections 20] [--warmup 2]`
 *
 * Starts Latch (its own process, on a fresh database), the peer (node-oidc-provider, in memory) and the raw limit
 * (node:http + jose), warms each up, drives each in turn with autocannon, and prints one table: req/s of both,
 * Latch/peer, p50/p99 latency, errors and Latch's RSS. The results are also written as JSON under bench-results/.
 * `scale` seeds a million grants and two million tokens and reruns the token and introspection scenarios.
 */
import { parseArgs } from "node:util";
import {
  createBenchDatabase,
  type LatchSeed,
  type ProcessHandle,
  REPO_ROOT,
  rssMb,
  seedLatch,
  startLatchProcess,
} from "./latch.ts";
import { type LoadResult, measure } from "./load.ts";
import { type Peer, startPeer } from "./peer.ts";
import { type RawLimit, startRawLimit } from "./raw-limit.ts";
import { formatResults, formatRounds, formatTimed, generatorLine, type RowResult, writeResults } from "./report.ts";
import type { BenchContext, BenchOptions, Row, Scenario } from "./scenario.ts";
import { clientCredentialsJwt } from "./scenarios/client-credentials-jwt.ts";
import { codeExchange } from "./scenarios/code-exchange.ts";
import { consoleScreens } from "./scenarios/console-screens.ts";
import { graphqlApplications } from "./scenarios/graphql-applications.ts";
import { opaqueIntrospection } from "./scenarios/opaque-introspection.ts";
import { refreshRotation } from "./scenarios/refresh-rotation.ts";
import { runScale } from "./scenarios/scale.ts";
import { usersMe } from "./scenarios/users-me.ts";
import { findWrk } from "./wrk.ts";

const SCENARIOS: readonly Scenario[] = [
  clientCredentialsJwt,
  opaqueIntrospection,
  codeExchange,
  refreshRotation,
  usersMe,
  graphqlApplications,
  consoleScreens,
];

const USAGE = `usage: npm run bench -- [scenario...] [--duration s] [--connections n] [--warmup s] [--scale-users n]
       [--generator autocannon|wrk] [--runs n]
       [--latch-node-options="<node flags>"]   (NODE_OPTIONS for the Latch process, for tuning experiments)
--generator wrk: wrk drives the fixed-request rows (installed with apt-get when missing and run as root); rows with
       per-connection state (code exchange, rotation, introspection of many tokens) stay on autocannon
--runs n: n consecutive rounds of the selected rows on the same servers, then the minimum ratio of each row
scenarios: ${SCENARIOS.map((s) => s.name).join(", ")} (default: all of them), scale (alone: 1M grants, 2M tokens)
${SCENARIOS.map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join("\n")}
  scale    seeds 1,000,000 grants and 2,000,000 tokens, reruns cc-jwt and opaque, times revoke-all and a grants page`;

function parseOptions(): { names: string[]; options: BenchOptions } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      duration: { type: "string", short: "d", default: "10" },
      connections: { type: "string", short: "c", default: "20" },
      warmup: { type: "string", short: "w", default: "2" },
      "scale-users": { type: "string", default: "100000" },
      "latch-node-options": { type: "string", default: "" },
      generator: { type: "string", short: "g", default: "autocannon" },
      runs: { type: "string", short: "r", default: "1" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const number = (name: string, value: string, min: number) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return parsed;
  };
  const known = new Set([...SCENARIOS.map((s) => s.name), "scale"]);
  const unknown = positionals.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}\n${USAGE}`);
  const generator = values.generator;
  if (generator !== "autocannon" && generator !== "wrk") throw new Error("--generator must be autocannon or wrk");
  return {
    names: positionals,
    options: {
      duration: number("duration", values.duration, 1),
      connections: Math.round(number("connections", values.connections, 1)),
      warmup: number("warmup", values.warmup, 0),
      scaleUsers: Math.round(number("scale-users", values["scale-users"], 100)),
      latchNodeOptions: values["latch-node-options"],
      generator,
      runs: Math.round(number("runs", values.runs, 1)),
    },
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const short = (r: LoadResult) =>
  `${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.errors + r.non2xx} errors` +
  (r.cpuUsPerRequest === undefined ? "" : `, ${r.cpuUsPerRequest.toFixed(0)} µs CPU/req`) +
  (r.dbCpuUsPerRequest === undefined ? "" : ` + ${r.dbCpuUsPerRequest.toFixed(0)} µs in PostgreSQL`);

/** A scenario's rows, seeded once, or the row that says why it could not be prepared. */
type Prepared = { readonly scenario: Scenario; readonly rows?: Row[]; readonly failed?: RowResult };

/** Seeds every scenario and builds its rows (once, however many rounds measure them). */
export async function prepareScenarios(ctx: BenchContext, scenarios: readonly Scenario[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const scenario of scenarios) {
    try {
      prepared.push({ scenario, rows: await scenario.rows(ctx) });
    } catch (error) {
      log(`✗ ${scenario.name}: could not prepare: ${error instanceof Error ? error.message : String(error)}`);
      prepared.push({ scenario, failed: failedRow(scenario.name, scenario.description, error) });
    }
  }
  return prepared;
}

/** One round: every prepared row, Latch, then the peer, then the raw limit, one at a time. */
export async function runPrepared(ctx: BenchContext, prepared: readonly Prepared[]): Promise<RowResult[]> {
  const results: RowResult[] = [];
  for (const { scenario, rows, failed } of prepared) {
    if (failed) results.push(failed);
    for (const row of rows ?? []) {
      try {
        results.push(await runRow(ctx, scenario.name, row));
      } catch (error) {
        log(`✗ ${row.name}: ${error instanceof Error ? error.message : String(error)}`);
        results.push(failedRow(scenario.name, row.name, error));
      }
    }
  }
  return results;
}

/** Prepares the scenarios and runs their rows once (the scale run's passes). */
export async function runScenarios(ctx: BenchContext, scenarios: readonly Scenario[]): Promise<RowResult[]> {
  return runPrepared(ctx, await prepareScenarios(ctx, scenarios));
}

function failedRow(scenario: string, row: string, error: unknown): RowResult {
  const zero = { rps: 0, p50: 0, p90: 0, p99: 0, max: 0, total: 0, errors: 1, non2xx: 0, durationS: 0 };
  return {
    scenario,
    row: `${row} (FAILED)`,
    latch: zero,
    latchRssMb: null,
    peerRssMb: null,
    error: error instanceof Error ? error.message : String(error),
  };
}

async function runRow(ctx: BenchContext, scenario: string, row: Row): Promise<RowResult> {
  log(`» ${row.name}: Latch`);
  const latch = await measure(row.latch, ctx.options, ctx.latch.pid, true);
  log(`  Latch ${short(latch)}`);
  const latchRssMb = await ctx.latch.rssMb();
  let peer: LoadResult | undefined;
  if (row.peer) {
    log(`  peer…`);
    peer = await measure(row.peer, ctx.options, ctx.peer.pid);
    log(`  peer  ${short(peer)}`);
  }
  let raw: LoadResult | undefined;
  if (row.raw) {
    log(`  raw limit…`);
    raw = await measure(row.raw, ctx.options, ctx.raw.pid);
    log(`  raw   ${short(raw)}`);
  }
  return {
    scenario,
    row: row.name,
    latch,
    peer,
    raw,
    ratio: peer && peer.rps > 0 ? latch.rps / peer.rps : undefined,
    minRatio: row.minRatio,
    ofRaw: raw && raw.rps > 0 ? latch.rps / raw.rps : undefined,
    latchRssMb,
    peerRssMb: await rssMb(ctx.peer.pid),
  };
}

async function main(): Promise<void> {
  const { names, options } = parseOptions();
  const scale = names.includes("scale");
  const selected = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  log(
    `bench: ${options.connections} connections, ${options.warmup} s warm-up, ${options.duration} s per run` +
      (options.runs > 1 ? `, ${options.runs} rounds` : ""),
  );
  let wrk: string | null | undefined;
  if (options.generator === "wrk") {
    wrk = await findWrk(true, log);
    log(wrk ? `load generator: wrk (${wrk}) for fixed requests` : "wrk unavailable: autocannon drives every row");
  }
  const database = await createBenchDatabase();
  log(`database: ${database.embedded ? "embedded PostgreSQL" : "DATABASE_URL's server"}, fresh`);
  let latch: ProcessHandle | undefined;
  let seed: LatchSeed | undefined;
  let peer: Peer | undefined;
  let raw: RawLimit | undefined;
  let cleaning = false;
  const cleanup = async () => {
    if (cleaning) return;
    cleaning = true;
    await Promise.allSettled([latch?.stop(), peer?.stop(), raw?.stop(), seed?.close()]);
    await database.drop();
  };
  process.once("SIGINT", () => {
    log("interrupted: stopping servers and dropping the bench database");
    void cleanup().finally(() => process.exit(130));
  });
  try {
    latch = await startLatchProcess(
      database.url,
      options.latchNodeOptions ? { NODE_OPTIONS: options.latchNodeOptions } : {},
    );
    seed = await seedLatch(database.url);
    [peer, raw] = await Promise.all([startPeer(), startRawLimit()]);
    const ctx: BenchContext = { latch, seed, peer, raw, options: { ...options, wrk } };
    const prepared = selected.length > 0 ? await prepareScenarios(ctx, selected) : [];
    const rounds: RowResult[][] = [];
    for (let round = 1; prepared.length > 0 && round <= options.runs; round++) {
      if (options.runs > 1) log(`round ${round} of ${options.runs}`);
      rounds.push(await runPrepared(ctx, prepared));
    }
    const rows = rounds.at(-1) ?? [];
    let scaleResult: Awaited<ReturnType<typeof runScale>> | undefined;
    if (scale) scaleResult = await runScale(ctx, database, runScenarios);
    const finalRssMb = await latch.rssMb();
    const restRssMb = await rssAtRest(latch);
    process.stdout.write("\n");
    process.stdout.write(`${generatorLine(options.generator, wrk)}\n`);
    if (rounds.length > 1) {
      rounds.forEach((round, index) => {
        process.stdout.write(`\nround ${index + 1} of ${rounds.length}:\n${formatResults(round)}\n`);
      });
      process.stdout.write(
        `\nover the ${rounds.length} rounds (targets judged on the minimum):\n${formatRounds(rounds)}\n`,
      );
    } else if (rows.length > 0) process.stdout.write(`${formatResults(rows)}\n`);
    if (scaleResult) {
      process.stdout.write(`\nscale, empty database:\n${formatResults(scaleResult.empty)}\n`);
      process.stdout.write(`\nscale, ${scaleResult.seeded}:\n${formatResults(scaleResult.rows)}\n`);
      for (const c of scaleResult.change) {
        const ok = Math.abs(c.change) <= 0.1 || c.change > 0;
        process.stdout.write(
          `  ${c.row}: ${c.emptyRps.toFixed(0)} → ${c.seededRps.toFixed(0)} req/s (${(c.change * 100).toFixed(1)}%) ${ok ? "✓" : "✗ (within 10%)"}` +
            (c.cpuChange === undefined ? "" : `; CPU per request ${(c.cpuChange * 100).toFixed(1)}%`) +
            "\n",
        );
      }
      process.stdout.write(`\n${formatTimed(scaleResult.timed)}\n`);
    }
    process.stdout.write(
      `\nLatch RSS after the run: ${finalRssMb ?? "?"} MB as the load ends, ${restRssMb ?? "?"} MB at rest ${REST_SECONDS} s later\n`,
    );
    const file = await writeResults(REPO_ROOT, {
      options,
      generator: wrk ? "wrk" : "autocannon",
      scenarios: names,
      rows,
      rounds: rounds.length > 1 ? rounds : undefined,
      scale: scaleResult,
      finalRssMb,
      restRssMb,
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await cleanup();
  }
}

/** V8's memory reducer starts 8 s after the last GC of a busy period and returns the heap's free pages within a few. */
const REST_SECONDS = 15;

/** Latch's RSS once it has been idle long enough for V8 to give back what the load's garbage left committed. */
async function rssAtRest(latch: ProcessHandle): Promise<number | null> {
  await new Promise((resolve) => setTimeout(resolve, REST_SECONDS * 1000));
  return latch.rssMb();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
