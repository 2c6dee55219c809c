import { BENCH_SCOPE } from "../fixtures.ts";
import { basic } from "../latch.ts";
import { PEER_CLIENTS } from "../peer.ts";
import { type BenchContext, expectOk, FORM, fixedTarget, once, type Scenario } from "../scenario.ts";

const BODY = new URLSearchParams({ grant_type: "client_credentials", scope: BENCH_SCOPE }).toString();

function tokenTarget(url: string, path: string, authorization: string, what: string) {
  const request = {
    method: "POST" as const,
    path,
    headers: { "content-type": FORM, authorization },
    body: BODY,
  };
  return fixedTarget({ url, ...request }, async () => {
    const result = await once(url, request);
    expectOk(what, result, "access_token");
    if (String(result.body.access_token).split(".").length !== 3) throw new Error(`${what}: not a JWT`);
  });
}

/** client_credentials with RFC 9068 JWT access tokens: client authentication and one ES256 signature. */
export const clientCredentialsJwt: Scenario = {
  name: "cc-jwt",
  description: "client_credentials, JWT access token",
  async rows(ctx: BenchContext) {
    const { ccJwt } = ctx.seed.apps;
    return [
      {
        name: "client_credentials (JWT)",
        latch: tokenTarget(ctx.latch.url, "/oauth2/token", basic(ccJwt.clientId, ccJwt.clientSecret), "latch"),
        peer: tokenTarget(ctx.peer.url, "/token", basic(PEER_CLIENTS.ccJwt.id, PEER_CLIENTS.ccJwt.secret), "peer"),
        raw: tokenTarget(ctx.raw.url, "/token", "Basic cmF3OnJhdw==", "raw"),
        minRatio: 2,
      },
    ];
  },
};
