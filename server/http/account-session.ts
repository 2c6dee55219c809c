import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createRateLimiter, type RateLimiter } from "../db/rate-limit.ts";
import type { ResolvedSession } from "../services/sessions/resolve-session.ts";
import { checkCsrf, issueCsrfToken } from "./csrf.ts";
import { currentSession } from "./current-session.ts";
import type { HttpDeps } from "./deps.ts";
import { sendPage } from "./page-response.ts";
import { renderErrorPage } from "./pages/error-page.ts";

/** What the account pages say when a form's CSRF token does not match the session (or the Origin is another). */
export const ACCOUNT_FORM_EXPIRED = "This form has expired or was not sent from Latch. Reload the page and try again.";

export type AccountSession =
  | { readonly ok: true; readonly session: ResolvedSession; readonly csrfToken: string }
  | { readonly ok: false; readonly response: Response };

/**
 * The signed-in session an /account page needs, with the session-bound CSRF token its forms carry; a signed-out
 * browser is sent to the login page, which brings it back to `returnTo` (a GET: 302; after a POST: 303 to the page).
 */
export async function accountSession(c: Context, deps: HttpDeps, returnTo: string, now: Date): Promise<AccountSession> {
  const session = await currentSession(c, deps, now);
  if (!session) {
    c.header("Cache-Control", "no-store");
    const status = c.req.method === "GET" || c.req.method === "HEAD" ? 302 : 303;
    return { ok: false, response: c.redirect(`/login?return_to=${encodeURIComponent(returnTo)}`, status) };
  }
  return { ok: true, session, csrfToken: issueCsrfToken(deps.runtime.csrfKey, { sessionId: session.sessionId }) };
}

export type AccountFormPost =
  | {
      readonly ok: true;
      readonly session: ResolvedSession;
      readonly csrfToken: string;
      readonly form: Record<string, string>;
    }
  | { readonly ok: false; readonly response: Response };

/**
 * A POST of an /account form: the signed-in session ({@link accountSession}), the form's fields cut at `maxLength`
 * ({@link readAccountForm}), and its CSRF check, answered with {@link accountFormExpired} when it fails.
 */
export async function accountFormPost(
  c: Context,
  deps: HttpDeps,
  returnTo: string,
  now: Date,
  maxLength?: number,
): Promise<AccountFormPost> {
  const account = await accountSession(c, deps, returnTo, now);
  if (!account.ok) return account;
  const form = await readAccountForm(c, maxLength);
  if (!accountCsrfOk(c, deps, account.session, form.csrf_token)) return { ok: false, response: accountFormExpired(c) };
  return { ...account, form };
}

/** Whether a POST of an account form carries the CSRF token of `session` (and, when sent, our Origin). */
export function accountCsrfOk(c: Context, deps: HttpDeps, session: ResolvedSession, presented: unknown): boolean {
  const options = {
    key: deps.runtime.csrfKey,
    publicUrl: deps.config.publicUrl,
    binding: { sessionId: session.sessionId },
  };
  return checkCsrf(c, options, presented);
}

/** The readable 403 page of an account form whose CSRF check failed. */
export function accountFormExpired(c: Context): Response {
  return sendPage(c, 403, (nonce) =>
    renderErrorPage({ title: "This form has expired", message: ACCOUNT_FORM_EXPIRED, status: 403, nonce }),
  );
}

/**
 * The string fields of a form POST (urlencoded or multipart; a body that cannot be parsed reads as empty, so the
 * route answers with the field's problem rather than a 500). Each value is cut at `maxLength` characters.
 */
export async function readAccountForm(c: Context, maxLength = 4096): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body))
    if (typeof value === "string") form[name] = value.slice(0, maxLength);
  return form;
}

/** A per-user limit on attempts that check the current password (guessing it from a borrowed session). */
export function passwordCheckLimiter(deps: HttpDeps, name: string): RateLimiter {
  return createRateLimiter(deps.orm.em, { name, limit: 10, windowMs: 15 * 60_000 });
}

/**
 * Consumes one attempt of `limiter` for `key`; when refused, the sentence to show and the Retry-After header,
 * else null.
 */
export async function limitProblem(
  limiter: RateLimiter,
  key: string,
  now: Date,
): Promise<{
  readonly message: string;
  readonly status: ContentfulStatusCode;
  readonly headers: Record<string, string>;
} | null> {
  const decision = await limiter.consume(key, now);
  if (decision.allowed) return null;
  const minutes = Math.ceil(decision.retryAfterSeconds / 60);
  return {
    message: `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
    status: 429,
    headers: { "Retry-After": String(decision.retryAfterSeconds) },
  };
}
