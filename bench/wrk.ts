/**
 * wrk (https://github.com/wg/wrk, Debian's `wrk` package) as the second load generator. It is C with one event loop
 * per thread and costs a fraction of autocannon's CPU, so on a 2-core machine the servers get more of the cores.
 * It drives fixed requests (one method, path, headers and body); targets that carry per-connection state (codes
 * minted ahead, rotation chains) stay on autocannon, and the table says which generator measured each row.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { LoadSpec } from "./load.ts";

const run = promisify(execFile);

/** The wrk binary on PATH, or null (after trying to install Debian's package when apt-get is usable). */
export async function findWrk(install: boolean, log: (message: string) => void): Promise<string | null> {
  const found = await which("wrk");
  if (found || !install) return found;
  const aptGet = await which("apt-get");
  if (!aptGet || process.getuid?.() !== 0) {
    log("wrk is not installed and apt-get needs root here: install Debian's `wrk` package to use --generator wrk");
    return null;
  }
  log("wrk is not installed: apt-get install -y wrk …");
  try {
    await run(aptGet, ["install", "-y", "wrk"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch {
    try {
      await run(aptGet, ["update"]);
      await run(aptGet, ["install", "-y", "wrk"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } catch (error) {
      log(`could not install wrk: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      return null;
    }
  }
  return which("wrk");
}

async function which(name: string): Promise<string | null> {
  try {
    const { stdout } = await run("sh", ["-c", `command -v ${name}`]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Whether wrk can drive this spec: one fixed request, no per-request setup or response handling. */
export const wrkCanDrive = (spec: LoadSpec): boolean => spec.requests === undefined;

export type WrkResult = {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly durationS: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
};

const luaString = (value: string) =>
  `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;

/**
 * The request and a `done` hook that prints the summary as one JSON line. No `response` hook (it would make wrk keep
 * every body): answers ≥ 400 are wrk's status errors, which is what non-2xx means for these targets.
 */
function script(spec: LoadSpec): string {
  const headers = Object.entries(spec.headers ?? {})
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join("\n");
  return `wrk.method = ${luaString(spec.method ?? "GET")}
${spec.body === undefined ? "" : `wrk.body = ${luaString(spec.body)}`}
${headers}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"non2xx":%d,"errors":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

/** Drives `spec` with wrk: one thread (the cores are the servers'), `connections` connections, `duration` seconds. */
export async function driveWrk(
  wrk: string,
  spec: LoadSpec,
  options: { connections: number; duration: number },
): Promise<WrkResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "latch-bench-wrk-"));
  try {
    const file = path.join(dir, "request.lua");
    await writeFile(file, script(spec));
    const args = [
      "-t1",
      `-c${options.connections}`,
      `-d${Math.max(1, Math.round(options.duration))}s`,
      "--timeout",
      "10s",
      "-s",
      file,
      `${spec.url}${spec.path ?? ""}`,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(wrk, args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
    });
    const line = output.split("\n").find((l) => l.startsWith("WRK_JSON "));
    if (!line) throw new Error(`wrk printed no summary: ${output.slice(-500)}`);
    const json = JSON.parse(line.slice("WRK_JSON ".length)) as Record<string, number>;
    const ms = (us: number | undefined) => Math.round((us ?? 0) / 1000);
    return {
      requests: json.requests ?? 0,
      non2xx: json.non2xx ?? 0,
      errors: json.errors ?? 0,
      durationS: (json.duration_us ?? 0) / 1e6,
      p50: ms(json.p50),
      p90: ms(json.p90),
      p99: ms(json.p99),
      max: ms(json.max),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
