import { basic, insertRefreshTokens } from "../latch.ts";
import type { Target } from "../load.ts";
import { PEER_CLIENTS } from "../peer.ts";
import { type BenchContext, expectOk, FORM, once, type Scenario } from "../scenario.ts";

/**
 * Rotation chains: every response's refresh_token is presented by the next request, exactly once, as a real client
 * does. (autocannon clears a connection's context after each request, so the chains hop between connections through
 * one queue: each response adds the token it got, each request takes one.) A failed refresh ends its chain and a new
 * family starts from the spare pool.
 */
function rotationTarget(
  url: string,
  path: string,
  authorization: string,
  mint: (n: number) => Promise<string[]>,
  connections: number,
  what: string,
): Target {
  const headers = { "content-type": FORM, authorization };
  const body = (token: string) => new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }).toString();
  return {
    async check() {
      const [token] = await mint(1);
      const first = await once(url, { method: "POST", path, headers, body: body(token!) });
      expectOk(what, first, "refresh_token");
      const second = await once(url, { method: "POST", path, headers, body: body(String(first.body.refresh_token)) });
      expectOk(`${what} (rotated)`, second, "refresh_token");
    },
    async spec() {
      const spares = await mint(connections * 20);
      const ready: string[] = [];
      return {
        url,
        requests: [
          {
            method: "POST",
            path,
            headers,
            setupRequest: (request) => ({
              ...request,
              body: body(ready.shift() ?? spares.pop() ?? "latch_rt_exhausted"),
            }),
            onResponse: (status, responseBody) => {
              if (status === 200) ready.push((JSON.parse(responseBody) as { refresh_token: string }).refresh_token);
            },
          },
        ],
      };
    },
  };
}

export const refreshRotation: Scenario = {
  name: "refresh",
  description: "refresh_token grant with rotation (each new token is presented next)",
  async rows(ctx: BenchContext) {
    const { web } = ctx.seed.apps;
    const connections = ctx.options.connections;
    return [
      {
        name: "refresh_token rotation",
        latch: rotationTarget(
          ctx.latch.url,
          "/oauth2/token",
          basic(web.clientId, web.clientSecret),
          (n) => insertRefreshTokens(ctx.seed, n),
          connections,
          "latch",
        ),
        peer: rotationTarget(
          ctx.peer.url,
          "/token",
          basic(PEER_CLIENTS.web.id, PEER_CLIENTS.web.secret),
          (n) => ctx.peer.mint("refresh", n),
          connections,
          "peer",
        ),
        minRatio: 1,
      },
    ];
  },
};
