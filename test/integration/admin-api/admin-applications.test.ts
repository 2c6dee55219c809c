import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor } from "../../support/control-plane.ts";
import { postAsClient, token } from "../../support/oauth-client.ts";
import { authorizeInBrowser, createApp, createUser, REDIRECT } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";
import { UserAgent } from "../../support/user-agent.ts";

let server: TestServer;
let organizationId: string;
let otherOrganizationId: string;
let admin: string;
let readOnly: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ organizationId } = await createUser(server.orm));
  ({ organizationId: otherOrganizationId } = await createUser(server.orm));
  admin = await apiKeyFor(server, organizationId, ["admin"]);
  readOnly = await apiKeyFor(server, organizationId, ["apps:read"]);
});
afterAll(() => server?.stop());

type Answer = { status: number; headers: Headers; body: any };

async function call(method: string, path: string, key: string | null, body?: unknown, raw?: string): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe("REST admin API: applications", () => {
  it("creates an app as the seed does: 201 with clientSecret once, redirectUris as strings, updatedAt null", async () => {
    const created = await call("POST", "/api/applications", admin, {
      name: "My App",
      redirectUris: ["https://myapp.example.com/callback"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "My App",
      type: "confidential",
      redirectUris: ["https://myapp.example.com/callback"],
      isActive: true,
      providers: [],
      updatedAt: null,
    });
    expect(created.body.clientSecret).toMatch(/^latch_cs_/);
    expect(created.body.clientId).toMatch(/^latch_ci_/);
    const read = await call("GET", `/api/applications/${created.body.id}`, readOnly);
    expect(read.status).toBe(200);
    expect(read.body.clientSecret).toBeUndefined();
    expect(read.body.name).toBe("My App");
  });

  it("lists with limit/offset and refuses a limit over the documented max", async () => {
    for (const name of ["List A", "List B"]) await call("POST", "/api/applications", admin, { name });
    const page = await call("GET", "/api/applications?limit=1&offset=1", readOnly);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body).toMatchObject({ limit: 1, offset: 1 });
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    expect(page.body.data[0].clientSecret).toBeUndefined();
    const tooMany = await call("GET", "/api/applications?limit=1000", readOnly);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: "validation_failed", field: "limit" });
  });

  it("answers 400 naming the field: missing name, invalid redirect URI, wrong types, bad JSON", async () => {
    const missing = await call("POST", "/api/applications", admin, { redirectUris: [] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "validation_failed", field: "name" });
    const badUri = await call("POST", "/api/applications", admin, { name: "Bad", redirectUris: ["https://x/#frag"] });
    expect(badUri.status).toBe(400);
    expect(badUri.body.error.field).toBe("redirectUris");
    const wrongType = await call("POST", "/api/applications", admin, { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.field).toBe("name");
    const badJson = await call("POST", "/api/applications", admin, undefined, "{not json");
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe("invalid_json");
    const array = await call("POST", "/api/applications", admin, [1, 2]);
    expect(array.status).toBe(400);
  });

  it("answers 409 for a name that exists", async () => {
    await call("POST", "/api/applications", admin, { name: "Twice" });
    const again = await call("POST", "/api/applications", admin, { name: "Twice" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "conflict", field: "name" });
  });

  it("answers 401 with WWW-Authenticate without or with an unknown credential", async () => {
    const none = await call("GET", "/api/applications", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="latch"/);
    expect(none.body.error.code).toBe("unauthorized");
    const unknown = await call("GET", "/api/applications", "latch_ak_nonsense");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers 403 for a key without the scope, and for another organization's app; 404 for an unknown or malformed id", async () => {
    const denied = await call("POST", "/api/applications", readOnly, { name: "Nope" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("insufficient_scope");
    const theirs = await createApp(server.orm, otherOrganizationId);
    for (const [method, path] of [
      ["GET", ""],
      ["PUT", ""],
      ["DELETE", ""],
      ["POST", "/regenerate-secret"],
      ["GET", "/webhooks"],
      ["GET", "/providers"],
    ] as const) {
      const answer = await call(
        method,
        `/api/applications/${theirs.id}${path}`,
        admin,
        method === "GET" ? undefined : {},
      );
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error.code).toBe("forbidden");
    }
    expect((await call("GET", `/api/applications/${crypto.randomUUID()}`, admin)).status).toBe(404);
    const malformed = await call("GET", "/api/applications/not-a-uuid", admin);
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe("not_found");
  });

  it("PUT replaces what it is given (redirect URIs as a set), sets updatedAt, and isActive false disables", async () => {
    const { body: app } = await call("POST", "/api/applications", admin, {
      name: "Put Me",
      redirectUris: ["https://a.example.com/cb", "https://b.example.com/cb"],
    });
    const put = await call("PUT", `/api/applications/${app.id}`, admin, {
      name: "Put Me Renamed",
      redirectUris: ["https://b.example.com/cb", "https://c.example.com/cb", "https://c.example.com/cb"],
    });
    expect(put.status).toBe(200);
    expect(put.body.name).toBe("Put Me Renamed");
    expect([...put.body.redirectUris].sort()).toEqual(["https://b.example.com/cb", "https://c.example.com/cb"]);
    expect(put.body.updatedAt).not.toBeNull();
    expect(put.body.clientSecret).toBeUndefined();
    const off = await call("PUT", `/api/applications/${app.id}`, admin, { isActive: false });
    expect(off.body.isActive).toBe(false);
    const bad = await call("PUT", `/api/applications/${app.id}`, admin, { redirectUris: ["ftp://x"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("redirectUris");
  });

  it("PUT is all or nothing: a name conflict or a bad field leaves the redirect URIs and the active flag as they were", async () => {
    await call("POST", "/api/applications", admin, { name: "Taken Name" });
    const { body: app } = await call("POST", "/api/applications", admin, {
      name: "Atomic",
      redirectUris: ["https://a.example.com/cb"],
    });
    const events = () =>
      server.orm.em
        .fork()
        .getConnection()
        .execute<{ type: string }[]>("select type from events where application_id = ? order by created_at", [app.id]);
    const before = (await events()).length;
    const conflict = await call("PUT", `/api/applications/${app.id}`, admin, {
      name: "Taken Name",
      redirectUris: ["https://z.example.com/cb"],
      isActive: false,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.field).toBe("name");
    const invalid = await call("PUT", `/api/applications/${app.id}`, admin, {
      redirectUris: ["https://z.example.com/cb"],
      accessTokenTtl: 5,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.field).toBe("accessTokenTtl");
    const read = await call("GET", `/api/applications/${app.id}`, admin);
    expect(read.body).toMatchObject({ name: "Atomic", redirectUris: ["https://a.example.com/cb"], isActive: true });
    expect(read.body.updatedAt).toBeNull();
    expect((await events()).length).toBe(before);
  });

  it("accepts an owner's access token with the admin scope, and refuses a member's or one without the scope", async () => {
    const { organizationId: home } = await createUser(server.orm);
    const client = await createApp(server.orm, home, { allowedScopes: ["identify", "admin"] });
    const tokenFor = async (role: "owner" | "member", scope: string) => {
      const { user, organizationId: workspace } = await createUser(server.orm, { role });
      const url = `/oauth2/authorize?${new URLSearchParams({ client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope })}`;
      const callback = await authorizeInBrowser(new UserAgent(server.url), user, url, { workspace });
      const { body } = await postAsClient(server.url, "/oauth2/token", client, {
        grant_type: "authorization_code",
        code: callback.searchParams.get("code")!,
        redirect_uri: REDIRECT,
      });
      return { accessToken: body.access_token as string, workspace };
    };
    const owner = await tokenFor("owner", "identify admin");
    const created = await call("POST", "/api/applications", owner.accessToken, { name: "Made With A Token" });
    expect(created.status).toBe(201);
    const listed = await call("GET", "/api/applications", owner.accessToken);
    expect(listed.status).toBe(200);
    // The token's workspace is the organization: the app is there, and nothing of another organization is.
    expect(listed.body.data.map((a: { name: string }) => a.name)).toEqual(["Made With A Token"]);
    const rows = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>("select organization_id from applications where id = ?", [
        created.body.id,
      ]);
    expect(rows[0]!.organization_id).toBe(owner.workspace);
    for (const refused of [await tokenFor("owner", "identify"), await tokenFor("member", "identify admin")]) {
      const answer = await call("GET", "/api/applications", refused.accessToken);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
      expect(answer.body.error.code).toBe("unauthorized");
    }
  });

  it("regenerate-secret: the new secret works and the previous one stops working at once", async () => {
    const { body: app } = await call("POST", "/api/applications", admin, {
      name: "Compromised",
      grantTypes: ["client_credentials"],
    });
    const asApp = (secret: string) => ({
      id: app.id,
      clientId: app.clientId,
      clientSecret: secret,
      organizationId,
    });
    expect((await token(server, asApp(app.clientSecret), { grant_type: "client_credentials" })).status).toBe(200);
    const regenerated = await call("POST", `/api/applications/${app.id}/regenerate-secret`, admin);
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.clientSecret).toMatch(/^latch_cs_/);
    expect(regenerated.body.clientSecret).not.toBe(app.clientSecret);
    expect((await token(server, asApp(app.clientSecret), { grant_type: "client_credentials" })).status).toBe(401);
    const fresh = await token(server, asApp(regenerated.body.clientSecret), { grant_type: "client_credentials" });
    expect(fresh.status).toBe(200);
    const publicApp = await call("POST", "/api/applications", admin, { name: "Public One", type: "public" });
    expect(publicApp.body.clientSecret).toBeNull();
    const refused = await call("POST", `/api/applications/${publicApp.body.id}/regenerate-secret`, admin);
    expect(refused.status).toBe(400);
  });

  it("DELETE answers 204, then the app is 404", async () => {
    const { body: app } = await call("POST", "/api/applications", admin, { name: "Delete Me" });
    expect((await call("DELETE", `/api/applications/${app.id}`, admin)).status).toBe(204);
    expect((await call("GET", `/api/applications/${app.id}`, admin)).status).toBe(404);
  });
});
