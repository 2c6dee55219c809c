import type { Hono } from "hono";
import { readJwks } from "../../services/read-jwks.ts";
import type { HttpDeps } from "../deps.ts";
import { sendJson } from "../send-json.ts";

/** The JSON Web Key Set (RFC 7517 §5) resource servers verify access and ID tokens with. */
export function registerJwksRoute(router: Hono, deps: HttpDeps): void {
  router.get("/.well-known/jwks.json", async (c) => {
    const jwks = await readJwks(deps.orm.em.fork(), new Date());
    // Short enough that a rotated-in key is picked up before it signs anything that matters.
    return sendJson(c, jwks, 200, {
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      "Content-Type": "application/jwk-set+json",
    });
  });
}
