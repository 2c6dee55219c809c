import { monitorEventLoopDelay } from "node:perf_hooks";
import { Gauge, Histogram, Registry } from "prom-client";
import type { ClientCache } from "../services/oauth/client-cache.ts";
import type { TokenStateCache } from "../services/oauth/token-state-cache.ts";

/** What `GET /metrics` exposes (Prometheus text format), one registry per server so tests can run several. */
export type Metrics = {
  readonly registry: Registry;
  /** One finished HTTP request: `route` is the matched route pattern (never the raw path, which would explode labels). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
};

/** Buckets for request latency: the token endpoint answers in single milliseconds, GraphQL pages in hundreds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The process's CPU, memory, event-loop delay and start time, all read when scraped, so a request pays nothing for
 * them. Not prom-client's default metrics, which observe every garbage collection as it happens.
 */
function registerProcessMetrics(registry: Registry): void {
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge("latch_process_cpu_seconds", "User and system CPU time spent, in seconds.", () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
  gauge("latch_process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage.rss());
  gauge("latch_nodejs_heap_used_bytes", "V8 heap in use, in bytes.", () => process.memoryUsage().heapUsed);
  gauge("latch_process_start_time_seconds", "When the process started, in seconds since the epoch.", () =>
    Math.round(Date.now() / 1000 - process.uptime()),
  );
  gauge("latch_nodejs_eventloop_delay_p99_seconds", "Event-loop delay, 99th percentile since the last scrape.", () => {
    const p99 = loopDelay.percentile(99) / 1e9;
    loopDelay.reset();
    return Number.isFinite(p99) ? p99 : 0;
  });
}

/**
 * Creates the registry: the process's CPU, memory and event-loop delay under `latch_`, request latency by
 * method, route and status, and the size and state of the two LISTEN-invalidated caches (the runtime's).
 */
export function createMetrics(runtime: {
  readonly clients: ClientCache;
  readonly tokenState: TokenStateCache<unknown>;
}): Metrics {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const requests = new Histogram({
    name: "latch_http_request_duration_seconds",
    help: "HTTP requests by method, matched route and status, with their duration.",
    labelNames: ["method", "route", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const caches = [
    { name: "client", cache: runtime.clients },
    { name: "token_state", cache: runtime.tokenState },
  ];
  new Gauge({
    name: "latch_cache_entries",
    help: "Entries held by each in-process cache that LISTEN/NOTIFY keeps in step with the database.",
    labelNames: ["cache"] as const,
    registers: [registry],
    collect() {
      for (const { name, cache } of caches) this.set({ cache: name }, cache.size);
    },
  });
  new Gauge({
    name: "latch_cache_enabled",
    help: "1 while a cache's LISTEN connection is in place and the cache is trusted, 0 while every lookup goes to SQL.",
    labelNames: ["cache"] as const,
    registers: [registry],
    collect() {
      for (const { name, cache } of caches) this.set({ cache: name }, cache.enabled ? 1 : 0);
    },
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
  };
}
