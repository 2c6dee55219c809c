import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleHarness,
  expectAccessible,
  followNav,
  screenshot,
  startConsoleHarness,
  VIEWPORTS,
} from "../../support/console-browser.ts";
import { createApp } from "../../support/oauth-fixtures.ts";

/** The explorer is its own chunk: the console's first screen never downloads it. */
const EXPLORER_CHUNK = /\/console\/assets\/explorer-[A-Za-z0-9_-]+\.js$/;

describe("the GraphQL explorer", () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsoleHarness("Acme Explorer");
    await createApp(harness.server.orm, harness.organizationId, { name: "Explorer App" });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  for (const viewport of VIEWPORTS) {
    it(`runs queries with the session and workspace and browses the schema's descriptions (${viewport.name})`, async () => {
      const { page, cspErrors } = await harness.openSignedIn(viewport);
      const scripts: string[] = [];
      page.on("request", (request) => scripts.push(request.url()));
      expect(scripts.some((url) => EXPLORER_CHUNK.test(url))).toBe(false);

      // The workspace the person chose travels as the Latch-Organization header, as an API client would send it.
      await page.evaluate(
        (id) => window.localStorage.setItem("latch.console.organization", id),
        harness.organizationId,
      );
      await followNav(page, "GraphQL explorer");
      await page.getByRole("heading", { name: "GraphQL explorer" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/console/explorer");
      expect(scripts.some((url) => EXPLORER_CHUNK.test(url))).toBe(true);

      // The first query runs as the signed-in member, in the workspace the Latch-Organization header names.
      const [sent] = await Promise.all([
        page.waitForRequest(
          (request) =>
            new URL(request.url()).pathname === "/graphql" &&
            request.method() === "POST" &&
            (request.postData() ?? "").includes("query Me"),
        ),
        page.getByRole("button", { name: "Run" }).click(),
      ]);
      expect(sent.headers()["latch-organization"]).toBe(harness.organizationId);
      const result = page.getByTestId("explorer-result");
      await result.getByText('"name": "Acme Explorer"').waitFor();
      expect(await result.textContent()).toContain('"kind": "USER"');
      await page.getByRole("heading", { name: "Result (HTTP 200)" }).waitFor();

      // Variables are JSON; anything else is said before a request goes out.
      const query = page.getByLabel("Query");
      await query.fill(
        "query Apps($first: Int) { applications(first: $first) { totalCount edges { node { name } } } }",
      );
      await page.getByLabel("Variables (JSON)").fill("{first: 1}");
      await page.getByRole("button", { name: "Run" }).click();
      await page.getByRole("alert").getByText("Variables must be JSON").waitFor();
      await page.getByLabel("Variables (JSON)").fill('{"first": 1}');
      // From the keyboard: Ctrl+Enter in the editor runs it.
      await query.focus();
      await page.keyboard.press("Control+Enter");
      await result.getByText('"name": "Explorer App"').waitFor();
      expect(await page.getByRole("alert").count()).toBe(0);

      // A GraphQL error comes back as the server wrote it, not as a crash.
      await query.fill("{ noSuchField }");
      await page.getByRole("button", { name: "Run" }).click();
      await result.getByText("noSuchField").waitFor();
      await page.getByRole("heading", { name: "Result (HTTP 400)" }).waitFor();

      // The schema's documentation, from introspection: the Query root first, then any type by search.
      const docs = page.getByRole("region", { name: "Schema" });
      await docs.getByRole("heading", { name: "Query", exact: true }).waitFor();
      await docs.getByText("Who is calling: the credential's kind").waitFor();
      await docs.getByLabel("Search the schema").fill("Application");
      await docs
        .getByRole("list", { name: "Matching types" })
        .getByRole("button", { name: "Application", exact: true })
        .click();
      await docs.getByRole("heading", { name: "Application", exact: true }).waitFor();
      await docs.getByText("An OAuth client registered by an organization.").waitFor();
      await docs.getByText("Access token lifetime in seconds.").waitFor();
      // A field's type opens that type's page.
      await docs.getByRole("button", { name: "AccessTokenFormat!" }).click();
      await docs.getByRole("heading", { name: "AccessTokenFormat", exact: true }).waitFor();
      await docs.getByText("JWT", { exact: true }).waitFor();
      // Focus is visible on the type links (keyboard use).
      await docs.getByRole("button", { name: "Mutation", exact: true }).focus();
      await page.keyboard.press("Enter");
      await docs.getByRole("heading", { name: "Mutation", exact: true }).waitFor();
      const outline = await docs
        .getByRole("button", { name: "Mutation", exact: true })
        .evaluate((element) => getComputedStyle(element).outlineStyle);
      expect(outline).not.toBe("none");

      await expectAccessible(page, `explorer ${viewport.name}`);
      await screenshot(page, `${viewport.name}-explorer`);
      expect(cspErrors).toEqual([]);
    });
  }

  it("is where a browser opening /graphql lands, while API clients still get GraphQL there", async () => {
    const { page } = await harness.openSignedIn(VIEWPORTS[0]);
    await page.goto(`${harness.server.url}/graphql`);
    await page.getByRole("heading", { name: "GraphQL explorer" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/explorer");
    const api = await fetch(`${harness.server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { accept: "application/json" },
      redirect: "manual",
    });
    // Without a credential: the API's own 401, not a redirect.
    expect(api.status).toBe(401);
    expect(((await api.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
    const bare = await fetch(`${harness.server.url}/graphql`, {
      headers: { accept: "application/json" },
      redirect: "manual",
    });
    expect(bare.status).not.toBe(302);
  });
});

describe("the GraphQL explorer on a server without introspection (production)", () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsoleHarness("Acme Closed", { LATCH_GRAPHQL_INTROSPECTION: "false" });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("says the documentation is off and still runs queries", async () => {
    const { page, cspErrors } = await harness.openSignedIn(VIEWPORTS[1]);
    await followNav(page, "GraphQL explorer");
    await page.getByText("Schema documentation is off on this server").waitFor();
    expect(await page.getByText("LATCH_GRAPHQL_INTROSPECTION=true").count()).toBe(1);
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByTestId("explorer-result").getByText('"name": "Acme Closed"').waitFor();
    await expectAccessible(page, "explorer without introspection");
    await screenshot(page, "phone-explorer-introspection-off");
    expect(cspErrors).toEqual([]);
  });

  it("sends a person whose session expired to sign in, and back to the screen they were on", async () => {
    const { page } = await harness.openSignedIn(VIEWPORTS[0]);
    await followNav(page, "Webhooks");
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    // The session ends while the console is open (its absolute lifetime ran out).
    await harness.server.orm.em
      .getConnection()
      .execute("update sessions set expires_at = now() - interval '1 minute' where user_id = ?", [harness.user.id]);
    await followNav(page, "Audit log");
    await page.getByRole("button", { name: "Sign In" }).waitFor();
    const login = new URL(page.url());
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("return_to")).toBe("/console/audit-log");
    await screenshot(page, "desktop-session-expired-sign-in");
    await page.getByLabel("Email").fill(harness.user.email);
    await page.getByLabel("Password").fill(harness.user.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/audit-log");
  });
});
