import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Context, Hono } from "hono";
import { DOCUMENT_HEADERS } from "../middleware/security-headers.ts";
import { sendErrorPage } from "../page-response.ts";

/** Where `npm run console:build` (Vite) writes the console: index.html and content-hashed assets/. */
export const CONSOLE_DIST = path.resolve(import.meta.dirname, "../../../console/dist");

const NONCE_PLACEHOLDER = "__LATCH_CSP_NONCE__";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

// Vite names every asset `<name>-<hash>.<ext>`: nothing else (no slash, no dot-dot) is ever looked up on disk.
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|png|woff2|json)$/;

/**
 * The console's policy: scripts and styles only from Latch's own origin (no inline script at all), plus the `<style>`
 * elements Mantine writes at run time, which carry this response's nonce; the console talks only to /graphql and
 * frames only Latch's own branding preview.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' https: data:",
    "font-src 'self'",
    "connect-src 'self'",
    // The branding preview frames the real login and consent pages (/console-preview/…), from Latch itself.
    "frame-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * `GET /console[/...]`: the web console, a single-page app built by Vite. Every screen's URL answers index.html with a
 * fresh nonce and `no-store`; `GET /console/assets/<hashed name>` answers the file with a year's immutable cache (its
 * name changes whenever its content does).
 */
export function registerConsoleRoutes(router: Hono, options: { distDir: string }): void {
  const assets = new Map<string, Buffer>();
  let index: string | undefined;
  const loadIndex = async () => {
    index ??= await readFile(path.join(options.distDir, "index.html"), "utf8");
    return index;
  };

  router.get("/console/assets/:name", async (c) => {
    const name = c.req.param("name");
    const type = CONTENT_TYPES[path.extname(name)];
    if (!ASSET_NAME.test(name) || !type) return c.notFound();
    let body = assets.get(name);
    if (!body) {
      try {
        body = await readFile(path.join(options.distDir, "assets", name));
      } catch {
        return c.notFound();
      }
      assets.set(name, body);
    }
    return c.body(new Uint8Array(body), 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=31536000, immutable",
    });
  });

  const page = async (c: Context) => {
    let html: string;
    try {
      html = await loadIndex();
    } catch {
      return sendErrorPage(c, 404, "The console is not built", "Run `npm run console:build`, then reload this page.");
    }
    const nonce = randomBytes(16).toString("base64");
    return c.body(html.replaceAll(NONCE_PLACEHOLDER, nonce), 200, {
      ...DOCUMENT_HEADERS,
      // "Try Connect" opens Latch's connection popup, which must keep its opener through the upstream's pages to post
      // the result back; the console itself still shares its browsing context group with no other origin's window.
      "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": consoleCsp(nonce),
    });
  };
  router.get("/console", page);
  router.get("/console/*", page);
}
