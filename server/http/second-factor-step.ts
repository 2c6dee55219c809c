import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { enrolTotp } from "../services/mfa/enrol-totp.ts";
import { hasConfirmedTotp, totpStatus } from "../services/mfa/totp-status.ts";
import { loadSignInContext } from "../services/oauth/load-sign-in-context.ts";
import { hasPasskey } from "../services/passkeys/list-passkeys.ts";
import { relyingPartyFor } from "../services/passkeys/relying-party.ts";
import { passkeyAuthenticationOptions } from "../services/passkeys/verify-passkey.ts";
import { issueCsrfToken } from "./csrf.ts";
import type { HttpDeps } from "./deps.ts";
import { sendPage } from "./page-response.ts";
import { formActionSource, type RawHtml } from "./pages/html.ts";
import { renderSecondFactorPage } from "./pages/second-factor-page.ts";
import { renderTotpEnrolment } from "./pages/totp-parts.ts";
import { authorizeRequestClientId } from "./return-to.ts";
import { issueSecondFactorState, type SecondFactorState } from "./second-factor-state.ts";

/** The name authenticator apps show above the account. */
export const TOTP_ISSUER = "Latch";

/**
 * Shows the second sign-in step for `state` (a fresh signed state and CSRF token each time). For `enrol`, an
 * authenticator app is started for the user the first time (`startEnrolment`), and its QR code shown.
 */
export async function sendSecondFactorStep(
  c: Context,
  deps: HttpDeps,
  status: ContentfulStatusCode,
  input: { state: SecondFactorState; returnTo: string; error?: string; startEnrolment?: boolean },
  now: Date,
): Promise<Response> {
  const { state } = input;
  let enrolment: RawHtml | undefined;
  if (state.step === "enrol") {
    if (input.startEnrolment) await enrolTotp(deps.orm.em, deps.keyring, state.userId, now);
    const status = await totpStatus(deps.orm.em.fork(), deps.keyring, state.userId, TOTP_ISSUER);
    if (status.state === "pending") enrolment = await renderTotpEnrolment(status.keyUri, status.secret);
  }
  let passkeyOptions: string | undefined;
  let codeForm = true;
  if (state.step === "verify") {
    const em = deps.orm.em.fork();
    codeForm = await hasConfirmedTotp(em, state.userId);
    if (await hasPasskey(em, state.userId)) {
      const scope = { purpose: "second-factor", anonymousId: state.anonymousId, userId: state.userId } as const;
      const rp = relyingPartyFor(deps.config.publicUrl);
      passkeyOptions = JSON.stringify(await passkeyAuthenticationOptions(em, deps.keyring, rp, scope, now));
    }
  }
  const token = issueSecondFactorState(deps.keyring, state, now);
  const csrfToken = issueCsrfToken(deps.runtime.csrfKey, { anonymousId: state.anonymousId });
  c.header("Cache-Control", "no-store");
  return sendPage(
    c,
    status,
    (nonce) =>
      renderSecondFactorPage({
        step: state.step,
        state: token,
        csrfToken,
        returnTo: input.returnTo,
        nonce,
        codeForm,
        ...(passkeyOptions && { passkeyOptions }),
        ...(enrolment && { enrolment }),
        ...(input.error !== undefined && { error: input.error }),
      }),
    { formAction: await continuationFormAction(deps, input.returnTo), script: passkeyOptions !== undefined },
  );
}

/**
 * The `form-action` sources the step's POST needs: its redirect chain may end at the redirect URI of the app whose
 * authorization request the sign-in continues (as on the login page).
 */
async function continuationFormAction(deps: HttpDeps, returnTo: string): Promise<string[]> {
  const clientId = authorizeRequestClientId(returnTo, deps.config.publicUrl);
  const context = clientId ? await loadSignInContext(deps.orm.em.fork(), clientId) : null;
  return context ? context.redirectUris.flatMap((uri) => formActionSource(uri) ?? []) : [];
}
