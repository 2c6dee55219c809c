import { BENCH_SCOPE } from "../fixtures.ts";
import { basic } from "../latch.ts";
import type { Target } from "../load.ts";
import { PEER_CLIENTS } from "../peer.ts";
import { type BenchContext, expectOk, FORM, fixedTarget, once, type Scenario } from "../scenario.ts";

const TOKEN_BODY = new URLSearchParams({ grant_type: "client_credentials", scope: BENCH_SCOPE }).toString();

/** How many distinct tokens the introspection run cycles through. */
const POOL = 2000;

type Side = { url: string; tokenPath: string; introspectPath: string; client: string; resourceServer: string };

function tokenTarget(side: Side, what: string): Target {
  const request = {
    method: "POST" as const,
    path: side.tokenPath,
    headers: { "content-type": FORM, authorization: side.client },
    body: TOKEN_BODY,
  };
  return fixedTarget({ url: side.url, ...request }, async () => {
    const result = await once(side.url, request);
    expectOk(what, result, "access_token");
    if (String(result.body.access_token).split(".").length === 3) throw new Error(`${what}: expected an opaque token`);
  });
}

function introspectionTarget(side: Side, what: string): Target {
  let tokens: string[] | undefined;
  const pool = async () => {
    if (tokens) return tokens;
    const minted: string[] = [];
    for (let i = 0; i < POOL; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () =>
          once(side.url, {
            method: "POST",
            path: side.tokenPath,
            headers: { "content-type": FORM, authorization: side.client },
            body: TOKEN_BODY,
          }),
        ),
      );
      for (const result of batch) minted.push(String(result.body.access_token));
    }
    tokens = minted;
    return minted;
  };
  const headers = { "content-type": FORM, authorization: side.resourceServer };
  return {
    async check() {
      const [token] = await pool();
      const result = await once(side.url, {
        method: "POST",
        path: side.introspectPath,
        headers,
        body: new URLSearchParams({ token: token! }).toString(),
      });
      if (result.status !== 200 || result.body.active !== true) {
        throw new Error(`${what}: expected an active token, got ${result.status} ${JSON.stringify(result.body)}`);
      }
    },
    async spec() {
      const bodies = (await pool()).map((token) => new URLSearchParams({ token }).toString());
      let next = 0;
      return {
        url: side.url,
        requests: [
          {
            method: "POST",
            path: side.introspectPath,
            headers,
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      };
    },
  };
}

/** client_credentials with opaque tokens (a row per token in Latch), then RFC 7662 introspection of such tokens. */
export const opaqueIntrospection: Scenario = {
  name: "opaque",
  description: "client_credentials with opaque tokens, then introspection",
  async rows(ctx: BenchContext) {
    const { ccOpaque, resourceServer } = ctx.seed.apps;
    const latch: Side = {
      url: ctx.latch.url,
      tokenPath: "/oauth2/token",
      introspectPath: "/oauth2/introspect",
      client: basic(ccOpaque.clientId, ccOpaque.clientSecret),
      resourceServer: basic(resourceServer.clientId, resourceServer.clientSecret),
    };
    const peer: Side = {
      url: ctx.peer.url,
      tokenPath: "/token",
      introspectPath: "/token/introspection",
      client: basic(PEER_CLIENTS.ccOpaque.id, PEER_CLIENTS.ccOpaque.secret),
      resourceServer: basic(PEER_CLIENTS.resourceServer.id, PEER_CLIENTS.resourceServer.secret),
    };
    return [
      {
        name: "client_credentials (opaque)",
        latch: tokenTarget(latch, "latch"),
        peer: tokenTarget(peer, "peer"),
        minRatio: 1,
      },
      {
        name: "introspection (opaque)",
        latch: introspectionTarget(latch, "latch"),
        peer: introspectionTarget(peer, "peer"),
        minRatio: 1,
      },
    ];
  },
};
