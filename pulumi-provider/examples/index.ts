/**
 * An example Pulumi program (see /Pulumi.yaml): the OAuth apps of a small product, declared against a local Latch.
 *
 *   npm start                                    # a local Latch on http://localhost:4000; note the API key it prints
 *   pulumi stack init dev --secrets-provider passphrase
 *   pulumi config set latch:endpoint http://localhost:4000
 *   pulumi config set --secret latch:apiKey latch_ak_...
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { ClientSecret, getOAuthAppOutput, IdentityProvider, OAuthApp, Scope, Webhook } from "../src/index.ts";

const config = new pulumi.Config();

/** A custom scope the apps below may request; using `billingRead.name` makes Pulumi create it first. */
const billingRead = new Scope("billing-read", { name: "billing:read", description: "Read your invoices" });

/** The web dashboard: a confidential app. Change `rotation` (any string) to rotate its secret without downtime. */
const dashboard = new OAuthApp("dashboard", {
  name: "Acme Dashboard",
  description: "The customer dashboard",
  redirectUris: ["http://localhost:8787/callback", "https://dashboard.acme.example/callback"],
  scopes: ["openid", "profile", "email", "guilds", "offline_access", billingRead.name],
  grantTypes: ["authorization_code", "refresh_token"],
  primaryColor: "#4f46e5",
  homepageUrl: "https://acme.example",
  privacyPolicyUrl: "https://acme.example/privacy",
  rotation: config.get("dashboardRotation") ?? "initial",
  rotationOverlap: "24h",
  // Take over an app of the same name created by hand before this program existed.
  adopt: true,
});

/** The mobile app: public, so PKCE instead of a secret, and a private-use redirect scheme. */
const mobile = new OAuthApp("mobile", {
  name: "Acme Mobile",
  type: "public",
  redirectUris: ["com.acme.mobile:/oauth/callback"],
  scopes: ["openid", "profile", "offline_access"],
});

/** A second secret of the dashboard for the reporting job, which expires on its own. */
const reporting = new ClientSecret("reporting", {
  app: dashboard.id,
  name: "Reporting job",
  expiresAt: "2030-01-01T00:00:00Z",
});

/** "Continue with GitHub" on the dashboard's login page, when its upstream secret is configured. */
const githubSecret = config.getSecret("githubClientSecret");
if (githubSecret) {
  new IdentityProvider("github", {
    app: dashboard.id,
    kind: "github",
    clientId: config.require("githubClientId"),
    clientSecret: githubSecret,
  });
}

/** Grant changes of the dashboard, delivered to a local receiver (http is fine on localhost in development). */
const grantsHook = new Webhook("grants", {
  url: "http://localhost:9000/latch-events",
  events: ["grant.created", "grant.revoked"],
  app: dashboard.id,
});

/**
 * An app made by hand in the console that this program reads but does not manage (`pulumi config set legacyAppName
 * "Legacy Portal"`): a lookup finds it by name, and its grant changes go to the same receiver.
 */
const legacyAppName = config.get("legacyAppName");
const legacyApp = legacyAppName ? getOAuthAppOutput({ name: legacyAppName }) : undefined;
if (legacyApp) {
  new Webhook("legacy-grants", {
    url: "http://localhost:9000/latch-events",
    events: ["grant.created", "grant.revoked"],
    app: legacyApp.id,
  });
}

export const dashboardClientId = dashboard.clientId;
/** A secret output: `pulumi stack output --show-secrets dashboardClientSecret`. */
export const dashboardClientSecret = dashboard.clientSecret;
export const mobileClientId = mobile.clientId;
export const reportingSecret = reporting.secret;
export const grantsWebhookSecret = grantsHook.secret;
export const legacyAppClientId = legacyApp?.clientId;
