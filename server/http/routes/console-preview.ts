import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { loadBrandingPreview } from "../../services/applications/load-branding-preview.ts";
import type { AppBranding } from "../../services/oauth/load-authorize-client.ts";
import { signUpPath } from "../account-paths.ts";
import { currentSession } from "../current-session.ts";
import type { HttpDeps } from "../deps.ts";
import { DOCUMENT_HEADERS } from "../middleware/security-headers.ts";
import { renderConsentPage } from "../pages/consent-page.ts";
import { renderErrorPage } from "../pages/error-page.ts";
import { renderLoginPage } from "../pages/login-page.ts";

/** The branding fields a preview may override, by query parameter; an empty value clears the stored one. */
const OVERRIDES = {
  logo_url: "logoUrl",
  primary_color: "primaryColor",
  secondary_color: "secondaryColor",
  homepage_url: "homepageUrl",
  privacy_policy_url: "privacyPolicyUrl",
  terms_of_service_url: "termsOfServiceUrl",
} as const satisfies Record<string, keyof AppBranding>;

const MAX_VALUE_LENGTH = 4096;

/**
 * The preview's policy: the pages' own (a nonce'd stylesheet, logos from https: or data:, no script at all), framed
 * only by Latch's own console, and no form may submit anywhere: the preview's Sign In and Authorize are inert.
 */
export function previewCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src https: data:",
    "form-action 'none'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * `GET /console-preview/login|consent?client_id=…&primary_color=…`: the real login and consent pages of an app,
 * rendered by the same page code its users get, with the console's unsaved branding laid over the stored one. For a
 * signed-in member of the app's organization only; the page code validates every value (colors, logo and link URLs)
 * exactly as it does for saved ones. `no-store`, framed by the console alone, and inert.
 */
export function registerConsolePreviewRoutes(router: Hono, deps: HttpDeps): void {
  router.get("/console-preview/:page{login|consent}", async (c) => {
    const session = await currentSession(c, deps, new Date());
    if (!session) return previewError(c, 403, "Sign in to preview", "Sign in to the console to preview this page.");
    const clientId = c.req.query("client_id") ?? "";
    const preview = await loadBrandingPreview(deps.orm.em.fork(), clientId, session.user.id);
    if (!preview) {
      return previewError(c, 404, "No such app", "This app does not exist in any of your workspaces.");
    }
    const branding: AppBranding = { ...preview.branding };
    for (const [parameter, field] of Object.entries(OVERRIDES)) {
      const value = c.req.query(parameter);
      if (value !== undefined) {
        (branding as Record<keyof AppBranding, string | null>)[field] = value.slice(0, MAX_VALUE_LENGTH) || null;
      }
    }
    const inert = "preview";
    return sendPreview(c, 200, (nonce) =>
      c.req.param("page") === "login"
        ? renderLoginPage({
            branding,
            returnTo: "/console",
            csrfToken: inert,
            nonce,
            providers: preview.providers,
            ...(preview.signUpOpen && { signUpHref: signUpPath("/console") }),
          })
        : renderConsentPage({
            branding,
            user: { displayName: session.user.displayName, email: session.user.email },
            scopes: preview.scopes,
            workspaces: [],
            csrfToken: inert,
            requestId: inert,
            nonce,
          }),
    );
  });
}

function sendPreview(c: Context, status: ContentfulStatusCode, render: (nonce: string) => string): Response {
  const nonce = randomBytes(16).toString("base64");
  return c.body(render(nonce), status, {
    ...DOCUMENT_HEADERS,
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": previewCsp(nonce),
    "X-Frame-Options": "SAMEORIGIN",
  });
}

function previewError(c: Context, status: 403 | 404, title: string, message: string): Response {
  return sendPreview(c, status, (nonce) => renderErrorPage({ title, message, nonce, status }));
}
