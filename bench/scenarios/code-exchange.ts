import { REDIRECT_URI } from "../fixtures.ts";
import { basic, insertCodes } from "../latch.ts";
import type { Target } from "../load.ts";
import { PEER_CLIENTS, pkcePair } from "../peer.ts";
import { type BenchContext, expectOk, FORM, once, type Scenario } from "../scenario.ts";

/** Exchanges pre-minted codes, one per request, each exactly once. */
function exchangeTarget(
  url: string,
  path: string,
  authorization: string,
  mint: (n: number) => Promise<string[]>,
  verifier: string,
  what: string,
): Target {
  const headers = { "content-type": FORM, authorization };
  const body = (code: string) =>
    new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString();
  return {
    async check() {
      const [code] = await mint(1);
      const result = await once(url, { method: "POST", path, headers, body: body(code!) });
      expectOk(what, result, "access_token");
      if (!result.body.refresh_token) throw new Error(`${what}: expected a refresh token`);
    },
    async spec(budget) {
      const bodies = (await mint(budget)).map(body);
      let next = 0;
      return {
        url,
        requests: [
          {
            method: "POST",
            path,
            headers,
            // Past the last code every request is an (honestly counted) error: the budget is sized to avoid that.
            setupRequest: (request) => ({ ...request, body: bodies[next++] ?? body("latch_ac_exhausted") }),
          },
        ],
      };
    },
  };
}

/** The authorization-code + PKCE exchange: codes minted ahead (in Latch's database, in the peer's memory). */
export const codeExchange: Scenario = {
  name: "code",
  description: "authorization_code + PKCE exchange of pre-minted codes",
  async rows(ctx: BenchContext) {
    const { verifier, challenge } = pkcePair();
    const { web } = ctx.seed.apps;
    return [
      {
        name: "authorization_code + PKCE",
        latch: exchangeTarget(
          ctx.latch.url,
          "/oauth2/token",
          basic(web.clientId, web.clientSecret),
          (n) => insertCodes(ctx.seed, n, challenge),
          verifier,
          "latch",
        ),
        peer: exchangeTarget(
          ctx.peer.url,
          "/token",
          basic(PEER_CLIENTS.web.id, PEER_CLIENTS.web.secret),
          (n) => ctx.peer.mint("codes", n, challenge),
          verifier,
          "peer",
        ),
        minRatio: 1,
      },
    ];
  },
};
