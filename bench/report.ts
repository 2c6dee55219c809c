import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { LoadResult } from "./load.ts";

export type RowResult = {
  readonly scenario: string;
  readonly row: string;
  readonly latch: LoadResult;
  readonly peer?: LoadResult;
  readonly raw?: LoadResult;
  /** Latch req/s over the peer's. */
  readonly ratio?: number;
  readonly minRatio?: number;
  /** Latch req/s over the raw limit's. */
  readonly ofRaw?: number;
  readonly latchRssMb: number | null;
  readonly peerRssMb: number | null;
  /** Set when the row could not be measured. */
  readonly error?: string;
};

export type TimedResult = { readonly name: string; readonly ms: number; readonly note?: string };

const fmt = (value: number | undefined, digits = 0) => (value === undefined ? "—" : value.toFixed(digits));
const lat = (result: LoadResult | undefined) => (result ? `${result.p50}/${result.p99}` : "—");
const errs = (result: LoadResult | undefined) => (result ? String(result.errors + result.non2xx) : "—");
const cpu = (result: LoadResult | undefined) =>
  (result?.cpuUsPerRequest === undefined ? "—" : result.cpuUsPerRequest.toFixed(0)) +
  (result?.sequentialCpuUsPerRequest === undefined ? "" : ` (${result.sequentialCpuUsPerRequest.toFixed(0)} alone)`);
const dbCpu = (result: LoadResult | undefined) =>
  result?.dbCpuUsPerRequest === undefined ? "—" : result.dbCpuUsPerRequest.toFixed(0);

function table(header: string[], rows: string[][], leftLast = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const left = (i: number) => i === 0 || (leftLast && i === header.length - 1);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function formatResults(rows: readonly RowResult[]): string {
  const body: string[][] = [];
  for (const r of rows) {
    body.push([
      r.row,
      fmt(r.latch.rps),
      fmt(r.peer?.rps),
      r.ratio === undefined
        ? "—"
        : `${r.ratio.toFixed(2)}x${r.minRatio ? (r.ratio >= r.minRatio ? " ✓" : ` ✗ (≥${r.minRatio})`) : ""}`,
      lat(r.latch),
      lat(r.peer),
      `${errs(r.latch)}/${errs(r.peer)}`,
      `${cpu(r.latch)}/${cpu(r.peer)}`,
      dbCpu(r.latch),
      r.latchRssMb === null ? "—" : String(r.latchRssMb),
      r.latch.generator ?? "—",
    ]);
    if (r.raw) {
      body.push([
        "  raw limit (node:http + jose sign)",
        fmt(r.raw.rps),
        "",
        `${((r.ofRaw ?? 0) * 100).toFixed(0)}% of raw${(r.ofRaw ?? 0) >= 0.75 ? " ✓" : " ✗ (≥75%)"}`,
        lat(r.raw),
        "",
        errs(r.raw),
        cpu(r.raw),
        "",
        "",
        r.raw.generator ?? "—",
      ]);
    }
  }
  return table(
    [
      "scenario",
      "Latch req/s",
      "peer req/s",
      "Latch/peer",
      "Latch p50/p99 ms",
      "peer p50/p99 ms",
      "errors L/P",
      "CPU µs/req L/P",
      "PostgreSQL µs/req",
      "Latch RSS MB",
      "load",
    ],
    body,
  );
}

/** Which load generator the run asked for and what drove the rows. */
export function generatorLine(asked: "autocannon" | "wrk", wrk: string | null | undefined): string {
  if (asked === "autocannon") return "load generator: autocannon";
  if (!wrk) return "load generator: autocannon (wrk was asked for but is not installed and could not be)";
  return "load generator: wrk for fixed requests, autocannon for rows with per-connection state (the load column)";
}

const range = (values: readonly number[], digits = 0, unit = "") => {
  if (values.length === 0) return "—";
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min.toFixed(digits) === max.toFixed(digits)
    ? `${min.toFixed(digits)}${unit}`
    : `${min.toFixed(digits)}-${max.toFixed(digits)}${unit}`;
};
const defined = (values: readonly (number | undefined)[]) => values.filter((v): v is number => v !== undefined);

/** Several rounds of the same rows: each row's minimum ratio (what the targets are judged on) and its ranges. */
export function formatRounds(rounds: readonly (readonly RowResult[])[]): string {
  const names = [...new Set(rounds.flatMap((round) => round.map((r) => r.row)))];
  const body: string[][] = [];
  for (const name of names) {
    const rows = rounds.map((round) => round.find((r) => r.row === name)).filter((r): r is RowResult => Boolean(r));
    const first = rows[0]!;
    const ratios = defined(rows.map((r) => r.ratio));
    const minRatio = ratios.length > 0 ? Math.min(...ratios) : undefined;
    const verdict =
      minRatio === undefined || !first.minRatio ? "" : minRatio >= first.minRatio ? " ✓" : ` ✗ (≥${first.minRatio})`;
    body.push([
      name,
      minRatio === undefined ? "—" : `${minRatio.toFixed(2)}x${verdict}`,
      range(ratios, 2, "x"),
      range(rows.map((r) => r.latch.rps)),
      range(rows.map((r) => r.latch.p99)),
      range(defined(rows.map((r) => r.latch.cpuUsPerRequest))) +
        (rows.some((r) => r.latch.sequentialCpuUsPerRequest !== undefined)
          ? ` (${range(defined(rows.map((r) => r.latch.sequentialCpuUsPerRequest)))} alone)`
          : ""),
      range(defined(rows.map((r) => r.peer?.cpuUsPerRequest))),
      String(rows.reduce((sum, r) => sum + r.latch.errors + r.latch.non2xx, 0)),
    ]);
    const ofRaw = defined(rows.map((r) => r.ofRaw));
    if (ofRaw.length > 0) {
      const min = Math.min(...ofRaw);
      body.push([
        "  Latch of the raw limit",
        `${(min * 100).toFixed(0)}%${min >= 0.75 ? " ✓" : " ✗ (≥75%)"}`,
        range(
          ofRaw.map((v) => v * 100),
          0,
          "%",
        ),
        range(rows.flatMap((r) => (r.raw ? [r.raw.rps] : []))),
        range(rows.flatMap((r) => (r.raw ? [r.raw.p99] : []))),
        range(defined(rows.map((r) => r.raw?.cpuUsPerRequest))),
        "",
        "",
      ]);
    }
  }
  return table(
    [
      "scenario",
      "min Latch/peer",
      "Latch/peer range",
      "Latch req/s",
      "Latch p99 ms",
      "Latch CPU µs/req",
      "peer CPU µs/req",
      "Latch errors",
    ],
    body,
  );
}

export function formatTimed(results: readonly TimedResult[]): string {
  return table(
    ["operation", "ms", "note"],
    results.map((r) => [r.name, Number.isNaN(r.ms) ? "failed" : r.ms.toFixed(0), r.note ?? ""]),
    true,
  );
}

/** Writes the run's results as JSON under bench-results/ (ignored by git); returns the file's path. */
export async function writeResults(root: string, data: Record<string, unknown>): Promise<string> {
  const dir = path.join(root, "bench-results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavg: os.loadavg(),
    node: process.version,
  };
  await writeFile(file, `${JSON.stringify({ machine, ...data }, null, 2)}\n`);
  return file;
}
