import http from "node:http";
import https from "node:https";
import { AddressRefusedError, type HostLookup, pinnedLookup, resolveCheckedAddress } from "../net/address-guard.ts";
import { UpstreamError } from "./upstream-error.ts";

/** How Latch may reach upstreams: the SSRF rules of webhooks, applied to every server-side OAuth call. */
export type UpstreamNetwork = {
  /** LATCH_ALLOW_PRIVATE_WEBHOOKS: loopback, private, link-local and metadata addresses are allowed (tests, dev). */
  readonly allowPrivate: boolean;
  /** DNS resolution, injected by tests. */
  readonly lookup?: HostLookup;
};

/** An upstream's answer is read up to this size; a larger one fails the call (no upstream document is that big). */
export const UPSTREAM_RESPONSE_LIMIT_BYTES = 1024 * 1024;

type FetchInit = {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
};

function requestBody(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new TypeError("upstream request: unsupported body type");
}

/** The shape `toUpstreamError` knows from `fetch`: a TypeError "fetch failed" whose cause has the socket's code. */
const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

/**
 * A `fetch` for oauth4webapi's `customFetch` that goes only where the address guard allows: the URL's host is
 * resolved once, every address it resolves to is checked (unless `network.allowPrivate`), and the connection is
 * pinned to the checked address, so a second resolution (DNS rebinding) cannot send it elsewhere. A refused host
 * fails before any packet is sent, with the same error whatever listens there (no port-scan oracle). Redirects are
 * never followed (oauth4webapi asks for `redirect: "manual"`), and at most {@link UPSTREAM_RESPONSE_LIMIT_BYTES} is
 * read.
 */
export function guardedFetch(network: UpstreamNetwork): (url: string, init: FetchInit) => Promise<Response> {
  return async (rawUrl, init) => {
    const url = new URL(rawUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw fetchFailed(new Error("unsupported protocol"));
    let target: Awaited<ReturnType<typeof resolveCheckedAddress>>;
    try {
      target = await resolveCheckedAddress(url.hostname, network);
    } catch (error) {
      if (!(error instanceof AddressRefusedError)) throw error;
      if (error.code === "ERR_DNS") throw fetchFailed(Object.assign(new Error(error.message), { code: "ENOTFOUND" }));
      throw new UpstreamError(
        "upstream_misconfigured",
        `refused to connect to ${error.host === error.address ? error.host : `${error.host} (${error.address})`}: ` +
          `a ${error.kind} address (set LATCH_ALLOW_PRIVATE_WEBHOOKS=true to allow private upstreams)`,
      );
    }
    init.signal?.throwIfAborted();
    const body = requestBody(init.body);
    const headers: Record<string, string> = { ...init.headers };
    if (body) headers["content-length"] = String(body.length);
    const client = url.protocol === "https:" ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = client.request(url, {
        method: init.method ?? "GET",
        headers,
        agent: false,
        lookup: pinnedLookup(target),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      const fail = (error: unknown) => {
        if (init.signal?.aborted) reject(init.signal.reason);
        else reject(error instanceof UpstreamError ? error : fetchFailed(error));
      };
      req.on("error", fail);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        res.on("data", (chunk: Buffer) => {
          length += chunk.length;
          if (length > UPSTREAM_RESPONSE_LIMIT_BYTES) {
            res.destroy();
            fail(new UpstreamError("upstream_bad_response", "the upstream's answer is larger than 1 MiB"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", fail);
        res.on("end", () => {
          const status = res.statusCode ?? 502;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              responseHeaders.append(name, one);
            }
          }
          const noBody = status === 204 || status === 205 || status === 304;
          try {
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
          } catch (error) {
            fail(error);
          }
        });
      });
      req.end(body);
    });
  };
}
