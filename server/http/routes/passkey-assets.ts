import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";
import { PASSKEY_SCRIPTS } from "../pages/passkey-parts.ts";

const require = createRequire(import.meta.url);

/**
 * Serves the passkey pages' two script files from Latch's own origin (the pages' CSP allows only nonce'd scripts,
 * none inline): @simplewebauthn/browser's published single-file bundle, and our ceremony glue
 * (server/http/assets/passkeys.js). Read once, at start.
 */
export function registerPasskeyAssetRoutes(router: Hono): void {
  const library = readFileSync(
    // The package exports only its modules; its published bundle (`unpkg`) sits beside them.
    join(dirname(require.resolve("@simplewebauthn/browser")), "../dist/bundle/index.umd.min.js"),
    "utf8",
  );
  const glue = readFileSync(new URL("../assets/passkeys.js", import.meta.url), "utf8");
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
  };
  router.get(PASSKEY_SCRIPTS[0], (c) => c.body(library, 200, headers));
  router.get(PASSKEY_SCRIPTS[1], (c) => c.body(glue, 200, headers));
}
