import { REDIRECT_URI } from "../fixtures.ts";
import { basic, insertCodes } from "../latch.ts";
import { pkcePair } from "../peer.ts";
import { type BenchContext, expectOk, FORM, fixedTarget, once, type Scenario } from "../scenario.ts";

/** `GET /api/v1/users/@me` with a user's bearer JWT; the peer's equivalent is its userinfo endpoint (opaque token). */
export const usersMe: Scenario = {
  name: "me",
  description: "GET /api/v1/users/@me with a bearer token (peer: /me userinfo)",
  async rows(ctx: BenchContext) {
    const { web } = ctx.seed.apps;
    const { verifier, challenge } = pkcePair();
    const [code] = await insertCodes(ctx.seed, 1, challenge, ["identify"]);
    const exchanged = await once(ctx.latch.url, {
      method: "POST",
      path: "/oauth2/token",
      headers: { "content-type": FORM, authorization: basic(web.clientId, web.clientSecret) },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    });
    expectOk("latch code exchange for @me", exchanged, "access_token");
    const [peerToken] = await ctx.peer.mint("userinfo-tokens", 1);
    const latchRequest = {
      path: "/api/v1/users/@me",
      headers: { authorization: `Bearer ${exchanged.body.access_token}` },
    };
    const peerRequest = { path: "/me", headers: { authorization: `Bearer ${peerToken}` } };
    return [
      {
        name: "GET /users/@me (bearer)",
        latch: fixedTarget({ url: ctx.latch.url, method: "GET", ...latchRequest }, async () =>
          expectOk("latch", await once(ctx.latch.url, latchRequest), "id"),
        ),
        peer: fixedTarget({ url: ctx.peer.url, method: "GET", ...peerRequest }, async () =>
          expectOk("peer", await once(ctx.peer.url, peerRequest), "sub"),
        ),
      },
    ];
  },
};
