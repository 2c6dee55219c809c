import type { Hono } from "hono";
import type { HttpDeps } from "../deps.ts";
import { sendPage } from "../page-response.ts";
import { renderDevMailPage } from "../pages/dev-mail-page.ts";

/**
 * `GET /dev/mail`: the development outbox, so `npm start` alone lets a person click a verification link. Registered
 * only outside production and only when no SMTP server is configured; elsewhere the path is the usual 404.
 */
export function registerDevMailRoute(router: Hono, deps: Pick<HttpDeps, "config" | "mailer">): void {
  const outbox = deps.mailer.outbox;
  if (deps.config.production || !outbox) return;
  router.get("/dev/mail", (c) => sendPage(c, 200, (nonce) => renderDevMailPage({ messages: outbox.list(), nonce })));
}
