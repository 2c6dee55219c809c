import http from "node:http";
import https from "node:https";
import { pinnedLookup } from "../net/address-guard.ts";
import type { DeliveryTarget } from "./ssrf-guard.ts";

/** The part of a response body the delivery log keeps, and all that is ever read. */
export const RESPONSE_BODY_LIMIT_BYTES = 1024;
/** Standard Webhooks' recommendation: a receiver that takes longer is failed and retried. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export type PostOutcome =
  | {
      readonly kind: "response";
      readonly status: number;
      /**
       * At most {@link RESPONSE_BODY_LIMIT_BYTES} of it, as UTF-8; null for a target that did not pass the
       * public-address check (allowed by LATCH_ALLOW_PRIVATE_WEBHOOKS), whose answer is never shown back (#20 item 8).
       */
      readonly body: string | null;
      /** The body's size: its `Content-Length` when the endpoint declared one, else the bytes read before hanging up. */
      readonly bytes: number;
      readonly durationMs: number;
    }
  | { readonly kind: "error"; readonly error: string; readonly durationMs: number };

function describeError(error: unknown, timeoutMs: number): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case "ERR_WEBHOOK_TIMEOUT":
      return `timed out after ${timeoutMs} ms`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset by the receiver";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "receiver unreachable";
    case "ABORT_ERR":
      return "aborted: the worker is shutting down";
    default:
      return code ? `${code}: ${message ?? "request failed"}` : (message ?? "request failed");
  }
}

/**
 * POSTs one webhook message to `target`, connected to its pinned address. Never follows redirects (a 3xx is just a
 * status), reads at most {@link RESPONSE_BODY_LIMIT_BYTES} of the body and then hangs up, and gives up after
 * `timeoutMs` in all (connecting, waiting and reading). Never throws: a network failure is an outcome too. The body
 * of a private target's answer is not kept (an internal service's answer must not be readable through the delivery
 * log): only its status, timing and size.
 */
export function postWebhook(
  target: DeliveryTarget,
  request: { readonly headers: Record<string, string>; readonly body: string },
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const fail = (error: unknown) =>
      finish({ kind: "error", error: describeError(error, options.timeoutMs), durationMs: elapsed() });
    const client = target.url.protocol === "https:" ? https : http;
    const req = client.request(target.url, {
      method: "POST",
      agent: false,
      lookup: pinnedLookup(target),
      headers: {
        ...request.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(request.body)),
        "user-agent": "Latch-Webhooks/1",
      },
    });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error("timed out"), { code: "ERR_WEBHOOK_TIMEOUT" });
      fail(error);
      req.destroy(error);
    }, options.timeoutMs);
    const onAbort = () => {
      const error = Object.assign(new Error("aborted"), { code: "ABORT_ERR" });
      fail(error);
      req.destroy(error);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const done = () => {
        const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT_BYTES);
        // PostgreSQL text cannot hold NUL; a cut multi-byte character decodes as U+FFFD.
        const body = target.public ? new TextDecoder().decode(bytes).replaceAll("\u0000", "\uFFFD") : null;
        const declared = Number(res.headers["content-length"]);
        const size = Number.isSafeInteger(declared) && declared >= 0 ? declared : length;
        finish({ kind: "response", status: res.statusCode ?? 0, body, bytes: size, durationMs: elapsed() });
        res.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= RESPONSE_BODY_LIMIT_BYTES) done();
      });
      res.on("end", done);
      res.on("error", (error) => (length > 0 ? done() : fail(error)));
      res.on("close", done);
    });
    req.end(request.body);
  });
}
