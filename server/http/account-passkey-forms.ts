import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_PASSWORD_LENGTH } from "../crypto/password.ts";
import { parseRegistrationResponse } from "../services/passkeys/parse-webauthn-response.ts";
import { registerPasskey } from "../services/passkeys/register-passkey.ts";
import { relyingPartyFor } from "../services/passkeys/relying-party.ts";
import { removePasskey } from "../services/passkeys/remove-passkey.ts";
import type { ResolvedSession } from "../services/sessions/resolve-session.ts";
import {
  accountCsrfOk,
  accountFormExpired,
  accountSession,
  limitProblem,
  passwordCheckLimiter,
  readAccountForm,
} from "./account-session.ts";
import type { HttpDeps } from "./deps.ts";
import type { SecurityView } from "./routes/account-security.ts";

const SECURITY_PATH = "/account/security";

type SecurityPage = (
  c: Context,
  status: ContentfulStatusCode,
  session: ResolvedSession,
  csrfToken: string,
  view: SecurityView,
  headers?: Record<string, string>,
) => Promise<Response>;

/**
 * The passkey forms of `/account/security`: `POST /account/security/passkeys` (the browser's new credential and
 * its name) and `POST /account/security/passkeys/remove` (one passkey, after the current password, as removing the
 * authenticator app). Both answer the security page.
 */
export function registerAccountPasskeyRoutes(router: Hono, deps: HttpDeps, page: SecurityPage): void {
  const removeLimiter = passwordCheckLimiter(deps, "account-passkey-remove");
  const rp = relyingPartyFor(deps.config.publicUrl);

  router.post("/account/security/passkeys", async (c) => {
    const now = new Date();
    const account = await accountSession(c, deps, SECURITY_PATH, now);
    if (!account.ok) return account.response;
    const { session, csrfToken } = account;
    const form = await readAccountForm(c, 20_000);
    if (!accountCsrfOk(c, deps, session, form.csrf_token)) return accountFormExpired(c);
    const response = parseRegistrationResponse(form.response);
    const name = (form.name ?? "").trim();
    if (!response || name === "") {
      const message = name === "" ? "Give the passkey a name." : "Your browser didn't create a passkey. Try again.";
      return page(c, 400, session, csrfToken, { passkeyError: { form: "register", message } });
    }
    const result = await registerPasskey(
      deps.orm.em,
      deps.keyring,
      rp,
      { userId: session.user.id, sessionId: session.sessionId, name, response },
      now,
    );
    if (!result.ok) {
      const message =
        result.reason === "duplicate"
          ? "That passkey is already registered."
          : "That passkey couldn't be verified. Reload the page and try again.";
      return page(c, result.reason === "duplicate" ? 409 : 400, session, csrfToken, {
        passkeyError: { form: "register", message },
      });
    }
    return page(c, 200, session, csrfToken, { notice: `Passkey "${result.name}" was added.` });
  });

  router.post("/account/security/passkeys/remove", async (c) => {
    const now = new Date();
    const account = await accountSession(c, deps, SECURITY_PATH, now);
    if (!account.ok) return account.response;
    const { session, csrfToken } = account;
    const form = await readAccountForm(c, MAX_PASSWORD_LENGTH + 200);
    if (!accountCsrfOk(c, deps, session, form.csrf_token)) return accountFormExpired(c);
    const limited = await limitProblem(removeLimiter, `user:${session.user.id}`, now);
    if (limited) {
      const passkeyError = { form: "remove", message: limited.message } as const;
      return page(c, limited.status, session, csrfToken, { passkeyError }, limited.headers);
    }
    const result = await removePasskey(
      deps.orm.em.fork(),
      { userId: session.user.id, passkeyId: form.passkey_id ?? "", currentPassword: form.current_password ?? "" },
      now,
    );
    if (!result.ok) {
      const status = result.field === "currentPassword" ? 400 : 409;
      return page(c, status, session, csrfToken, { passkeyError: { form: "remove", message: result.message } });
    }
    return page(c, 200, session, csrfToken, { notice: `Passkey "${result.name}" was removed.` });
  });
}
