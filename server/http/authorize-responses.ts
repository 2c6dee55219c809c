import type { Context } from "hono";
import { type AuthorizeValidation, buildAuthorizationRedirect } from "../oauth/authorize-request.ts";
import { type OAuthError, toErrorDescription } from "../oauth/errors.ts";
import type { HttpDeps } from "./deps.ts";
import { sendPage } from "./page-response.ts";
import { renderErrorPage } from "./pages/error-page.ts";

/** Where the user agent goes after a decision: the client's redirect URI with `iss` (RFC 9207 §2). */
export function redirectToClient(
  c: Context,
  deps: HttpDeps,
  redirectUri: string,
  params: Record<string, string | undefined>,
  status: 302 | 303,
): Response {
  const location = buildAuthorizationRedirect(redirectUri, { ...params, iss: deps.config.publicUrl });
  return c.body(null, status, { Location: location, "Cache-Control": "no-store" });
}

/** An error the client may learn about goes back to it (RFC 6749 §4.1.2.1), with `state` echoed. */
export function redirectError(
  c: Context,
  deps: HttpDeps,
  redirectUri: string,
  error: OAuthError,
  state: string | undefined,
  status: 302 | 303 = 302,
): Response {
  return redirectToClient(
    c,
    deps,
    redirectUri,
    { error: error.code, error_description: toErrorDescription(error.description), state },
    status,
  );
}

/** An error that must not go back to an unverified redirect URI is shown to the person instead. */
export function authorizeErrorPage(c: Context, error: OAuthError): Response {
  return sendPage(c, 400, (nonce) =>
    renderErrorPage({
      title: "This sign-in link can't be used",
      message: `${error.description}. Go back to the app you came from and try again.`,
      nonce,
      status: 400,
    }),
  );
}

/** Turns a failed validation into its response; `ok` results return null. */
export function validationFailure(
  c: Context,
  deps: HttpDeps,
  validation: AuthorizeValidation,
  status: 302 | 303 = 302,
): Response | null {
  if (validation.kind === "error_page") return authorizeErrorPage(c, validation.error);
  if (validation.kind === "redirect_error")
    return redirectError(c, deps, validation.redirectUri, validation.error, validation.state, status);
  return null;
}
