import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grant, User } from "../../../server/db/entities/index.ts";
import {
  expectAccessible,
  type JourneyHarness,
  screenshot,
  signInOnPage,
  signInTo,
  startJourneyHarness,
  VIEWPORTS,
} from "../../support/account-browser.ts";
import { introspect } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestApp } from "../../support/oauth-fixtures.ts";
import { linkIn } from "../../support/smtp-capture.ts";

let harness: JourneyHarness;
let resourceServer: TestApp;

beforeAll(async () => {
  harness = await startJourneyHarness("Acme Journeys");
  resourceServer = await createApp(harness.server.orm, harness.organizationId, {
    name: "Notes API",
    grantTypes: ["client_credentials"],
    isResourceServer: true,
  });
}, 16 * 60_000);
afterAll(() => harness?.stop());

describe("account journeys in Chromium", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: sign up → verification mail → link → consent → code; the ID token says email_verified`, async () => {
      const { server, smtp } = harness;
      const email = `journey-${viewport.name}-${Date.now()}@example.com`;
      const request = await harness.authorizeRequest();
      const { page, cspErrors } = await harness.openPage(viewport);
      await page.goto(request.url);
      expect(new URL(page.url()).pathname).toBe("/login");
      await page.getByRole("link", { name: "Create account" }).click();
      await page.getByRole("button", { name: "Create account" }).waitFor();
      await expectAccessible(page, "sign-up form");
      await screenshot(page, viewport, "signup-form");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Display name").fill(`Journey ${viewport.name}`);
      // A common password is refused on the same page, readably and accessibly, and nothing is created.
      await page.getByLabel("Password", { exact: true }).fill("password");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("alert").waitFor();
      expect(await page.getByRole("alert").textContent()).toContain("This password is too common");
      await expectAccessible(page, "sign-up form refused");
      await screenshot(page, viewport, "signup-refused");
      expect(await server.orm.em.fork().count(User, { emailNormalized: email })).toBe(0);
      await page.getByLabel("Password", { exact: true }).fill("a journey sign-up passphrase");
      const since = smtp.messages.length;
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("heading", { name: "Check your email" }).waitFor();
      await screenshot(page, viewport, "signup-check-email");
      const created = await server.orm.em.fork().findOneOrFail(User, { emailNormalized: email });
      expect(created.emailVerified).toBe(false);

      // The link from the real message, opened in the same browser: confirm, and the authorization continues.
      const link = linkIn(await smtp.waitFor(email, { since }), `${server.url}/verify-email?token=`);
      await page.goto(link);
      await page.getByRole("heading", { name: "Verify your email address" }).waitFor();
      await screenshot(page, viewport, "verify-email");
      await page.getByRole("button", { name: "Verify email address" }).click();
      await page.getByRole("button", { name: "Authorize" }).waitFor();
      expect(new URL(page.url()).pathname).toBe(new URL(harness.as.authorization_endpoint!).pathname);
      await expectAccessible(page, "consent after verifying");
      await screenshot(page, viewport, "signup-consent");
      const tokens = await harness.authorizeAndRedeem(page, request);
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(claims).toMatchObject({ sub: created.id, email, email_verified: true });
      expect(cspErrors).toEqual([]);
    });

    it(`at ${viewport.width} px: forgot password mid-authorization → mailed link → new password → an older session is signed out, the authorization continues`, async () => {
      const { server, smtp } = harness;
      const { user } = await createUser(server.orm);
      // The older session, in a browser of its own.
      const { page: older } = await harness.openPage(viewport);
      await signInTo(older, server, user, "/account/sessions");
      await older.getByRole("heading", { name: "Signed in (1)" }).waitFor();

      // The person forgets their password halfway through authorizing the app.
      const { page, cspErrors } = await harness.openPage(viewport);
      const request = await harness.authorizeRequest("openid email");
      await page.goto(request.url);
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await page.getByRole("button", { name: "Send reset link" }).waitFor();
      await expectAccessible(page, "forgot password");
      await screenshot(page, viewport, "reset-forgot");
      await page.getByLabel("Email").fill(user.email);
      const since = smtp.messages.length;
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page.getByRole("heading", { name: "Check your email" }).waitFor();

      const link = linkIn(await smtp.waitFor(user.email, { since }), `${server.url}/reset-password?token=`);
      expect(new URL(link).searchParams.get("return_to")).toMatch(/^\/oauth2\/authorize\?/);
      await page.goto(link);
      await page.getByRole("button", { name: "Set new password" }).waitFor();
      await expectAccessible(page, "new password");
      await screenshot(page, viewport, "reset-new-password");
      await page.getByLabel("New password").fill("a fresh journey passphrase");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.getByRole("heading", { name: "Your password was changed" }).waitFor();
      await screenshot(page, viewport, "reset-done");
      // Signing in with the new password continues the authorization it interrupted.
      await page.getByRole("link", { name: "Sign in" }).click();
      await signInOnPage(page, { ...user, password: "a fresh journey passphrase" }, /\/oauth2\/authorize\?/);
      const tokens = await harness.authorizeAndRedeem(page, request);
      expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, email_verified: true });

      // The older browser's session ended: its next page is the login page.
      await older.reload();
      await older.getByRole("button", { name: "Sign In" }).waitFor();
      expect(new URL(older.url()).pathname).toBe("/login");
      await screenshot(older, viewport, "reset-older-session-signed-out");
      expect(cspErrors).toEqual([]);
    });

    it(`at ${viewport.width} px: delete account → its grants are revoked and the app's access token introspects inactive`, async () => {
      const { server } = harness;
      const { user } = await createUser(server.orm, { role: "member" });
      const { page, cspErrors } = await harness.openPage(viewport);
      const request = await harness.authorizeRequest("openid email");
      await page.goto(request.url);
      await signInOnPage(page, user, /\/oauth2\/authorize\?/);
      await page.getByRole("button", { name: "Authorize" }).waitFor();
      const tokens = await harness.authorizeAndRedeem(page, request);
      expect((await introspect(server, resourceServer, tokens.access_token)).body.active).toBe(true);
      expect(await server.orm.em.fork().count(Grant, { user: user.id, revokedAt: null })).toBe(1);

      await page.goto(`${server.url}/account/delete`);
      await page.getByRole("button", { name: "Delete my account" }).waitFor();
      await expectAccessible(page, "delete account");
      await screenshot(page, viewport, "delete-confirm");
      await page.getByLabel("Type your email address to confirm").fill(user.email);
      await page.getByRole("button", { name: "Delete my account" }).click();
      await page.getByRole("heading", { name: "Your account was deleted" }).waitFor();
      await screenshot(page, viewport, "delete-done");

      expect((await introspect(server, resourceServer, tokens.access_token)).body).toEqual({ active: false });
      expect((await introspect(server, resourceServer, tokens.refresh_token!)).body).toEqual({ active: false });
      expect(await server.orm.em.fork().count(Grant, { user: user.id, revokedAt: null })).toBe(0);
      expect(await server.orm.em.fork().count(User, { id: user.id })).toBe(0);
      expect(cspErrors).toEqual([]);
    });
  }
});
