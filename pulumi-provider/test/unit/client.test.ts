import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { graphql, graphqlUrl, payloadOf, resolveSettings, type Transport } from "../../src/provider/client.ts";

const FAST: Transport = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };
const subject = { resource: 'OAuthApp "web"', fields: { allowedScopes: "scopes" } };

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server that answers with `replies` in turn (the last one repeats), recording each request. */
async function serve(replies: ((res: ServerResponse) => void)[]) {
  const seen: { authorization: string | undefined; body: string }[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ authorization: req.headers.authorization, body });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { settings: { endpoint: `http://127.0.0.1:${port}/graphql`, apiKey: "latch_ak_test" }, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

describe("graphql client", () => {
  test("sends the API key as a bearer token and returns data", async () => {
    const { settings, seen } = await serve([json(200, { data: { viewer: { kind: "API_KEY" } } })]);
    const data = await graphql(settings, "{ viewer { kind } }", { a: 1 }, { subject, idempotent: true }, FAST);
    expect(data).toEqual({ viewer: { kind: "API_KEY" } });
    expect(seen[0]).toEqual({
      authorization: "Bearer latch_ak_test",
      body: JSON.stringify({ query: "{ viewer { kind } }", variables: { a: 1 } }),
    });
  });

  test("retries 429 and 503 (honouring Retry-After) with backoff, even for mutations", async () => {
    const { settings, seen } = await serve([
      json(429, { errors: [{ message: "slow down" }] }, { "retry-after": "0" }),
      json(503, { errors: [{ message: "not ready" }] }),
      json(200, { data: { ok: true } }),
    ]);
    const started = Date.now();
    expect(await graphql(settings, "mutation { ok }", {}, { subject, idempotent: false }, FAST)).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("gives up after maxAttempts with the last error, naming the resource", async () => {
    const { settings, seen } = await serve([json(503, { errors: [{ message: "database unavailable" }] })]);
    await expect(graphql(settings, "{ x }", {}, { subject, idempotent: true }, FAST)).rejects.toThrow(
      'OAuthApp "web": database unavailable [GRAPHQL_ERROR]',
    );
    expect(seen).toHaveLength(FAST.maxAttempts);
  });

  test("retries network errors, then reports the endpoint without the key", async () => {
    const { settings } = await serve([json(200, {})]);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const failure = graphql(settings, "mutation { x }", {}, { subject, idempotent: false }, FAST);
    await expect(failure).rejects.toThrow(
      /cannot reach the Latch control plane at http:\/\/127\.0\.0\.1:\d+\/graphql \(ECONNREFUSED\) after 4 attempt\(s\)/,
    );
    await expect(failure).rejects.not.toThrow(/latch_ak_/);
  });

  test("a connection reset on a mutation is not retried (it may have been applied); on a query it is", async () => {
    let calls = 0;
    server = createServer((req) => {
      calls++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const settings = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: "k" };
    await expect(graphql(settings, "mutation { x }", {}, { subject, idempotent: false }, FAST)).rejects.toThrow(
      /NETWORK_ERROR/,
    );
    expect(calls).toBe(1);
    await expect(graphql(settings, "{ x }", {}, { subject, idempotent: true }, FAST)).rejects.toThrow(
      /after 4 attempt/,
    );
    expect(calls).toBe(5);
  });

  test("401 says the API key was rejected; other HTTP failures carry their status", async () => {
    const { settings } = await serve([
      json(401, { errors: [{ message: "no", extensions: { code: "UNAUTHENTICATED" } }] }),
      (res) => {
        res.writeHead(500);
        res.end("boom");
      },
    ]);
    await expect(graphql(settings, "{ x }", {}, { subject, idempotent: true }, FAST)).rejects.toThrow(
      'OAuthApp "web": the control plane rejected the API key: check latch:apiKey [UNAUTHENTICATED]',
    );
    await expect(graphql(settings, "{ x }", {}, { subject, idempotent: true }, FAST)).rejects.toThrow(
      'OAuthApp "web": the control plane answered HTTP 500 [HTTP_500]',
    );
  });

  test("a typed mutation error names the input property, translated from the server's field", () => {
    expect(() =>
      payloadOf(
        {
          __typename: "ValidationError",
          message: 'unknown scope "x"',
          code: "VALIDATION_FAILED",
          field: "allowedScopes",
        },
        subject,
      ),
    ).toThrow('OAuthApp "web": scopes: unknown scope "x" [VALIDATION_FAILED]');
    expect(payloadOf({ __typename: "ApplicationPayload", application: {} }, subject)).toEqual({
      __typename: "ApplicationPayload",
      application: {},
    });
  });

  test("settings: config first, then the environment; the endpoint may be the base URL", () => {
    const config = { get: (key: string) => ({ "latch:endpoint": "http://a:4000/", "latch:apiKey": "k1" })[key] };
    expect(resolveSettings(config, { LATCH_ENDPOINT: "http://b", LATCH_API_KEY: "k2" })).toEqual({
      endpoint: "http://a:4000/graphql",
      apiKey: "k1",
    });
    expect(
      resolveSettings({ get: () => undefined }, { LATCH_ENDPOINT: "http://b/graphql", LATCH_API_KEY: "k2" }),
    ).toEqual({
      endpoint: "http://b/graphql",
      apiKey: "k2",
    });
    expect(resolveSettings({ get: () => undefined }, {})).toBeUndefined();
    expect(graphqlUrl("https://latch.example.com/graphql/")).toBe("https://latch.example.com/graphql");
  });
});
