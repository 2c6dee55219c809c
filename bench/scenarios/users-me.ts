import { REDIRECT_URI } from "../fixtures.ts";
import { basic, insertCodes, type LatchSeed, type SeededApp } from "../latch.ts";
import { pkcePair } from "../peer.ts";
import { type BenchContext, expectOk, FORM, fixedTarget, once, type Row, type Scenario } from "../scenario.ts";

/** A user's access token of `app`, from a real code exchange. */
async function userToken(ctx: BenchContext, seed: LatchSeed, app: SeededApp): Promise<string> {
  const { verifier, challenge } = pkcePair();
  const [code] = await insertCodes(seed, 1, challenge, ["identify"], app);
  const exchanged = await once(ctx.latch.url, {
    method: "POST",
    path: "/oauth2/token",
    headers: { "content-type": FORM, authorization: basic(app.clientId, app.clientSecret) },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: code!,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
  expectOk("latch code exchange for @me", exchanged, "access_token");
  return exchanged.body.access_token as string;
}

/**
 * `GET /api/v1/users/@me` with a user's bearer token; the peer's equivalent is its userinfo endpoint, which takes
 * opaque tokens only: the opaque row is the like-for-like one, the JWT row adds the signature check.
 */
export const usersMe: Scenario = {
  name: "me",
  description: "GET /api/v1/users/@me with a bearer token, opaque and JWT (peer: /me userinfo, opaque)",
  async rows(ctx: BenchContext) {
    const [peerToken] = await ctx.peer.mint("userinfo-tokens", 1);
    const peerRequest = { path: "/me", headers: { authorization: `Bearer ${peerToken}` } };
    const peer = () =>
      fixedTarget({ url: ctx.peer.url, method: "GET", ...peerRequest }, async () =>
        expectOk("peer", await once(ctx.peer.url, peerRequest), "sub"),
      );
    const row = (name: string, token: string): Row => {
      const latchRequest = { path: "/api/v1/users/@me", headers: { authorization: `Bearer ${token}` } };
      return {
        name,
        latch: fixedTarget({ url: ctx.latch.url, method: "GET", ...latchRequest }, async () =>
          expectOk("latch", await once(ctx.latch.url, latchRequest), "id"),
        ),
        peer: peer(),
      };
    };
    const { web, webOpaque } = ctx.seed.apps;
    return [
      row("GET /users/@me (opaque bearer)", await userToken(ctx, ctx.seed, webOpaque)),
      row("GET /users/@me (JWT bearer)", await userToken(ctx, ctx.seed, web)),
    ];
  },
};
