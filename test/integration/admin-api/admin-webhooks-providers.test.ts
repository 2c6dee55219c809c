import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor } from "../../support/control-plane.ts";
import { createApp, createUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let admin: string;
let appsOnly: string;
let appId: string;
let otherAppId: string;

beforeAll(async () => {
  server = await startTestServer();
  const { organizationId } = await createUser(server.orm);
  admin = await apiKeyFor(server, organizationId, ["admin"]);
  appsOnly = await apiKeyFor(server, organizationId, ["apps:write"]);
  appId = (await createApp(server.orm, organizationId)).id;
  otherAppId = (await createApp(server.orm, organizationId)).id;
});
afterAll(() => server?.stop());

async function call(method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe("REST admin API: webhooks", () => {
  it("creates (secret once), lists, updates and deletes an app's webhook; refuses bad input and a key without webhooks:write", async () => {
    const base = `/api/applications/${appId}/webhooks`;
    const created = await call("POST", base, admin, { url: "https://hooks.example.com/latch", events: ["*"] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body).toMatchObject({ applicationId: appId, isActive: true, updatedAt: null });
    const list = await call("GET", base, admin);
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
    expect(list.body.data[0].secret).toBeUndefined();
    const put = await call("PUT", `${base}/${created.body.id}`, admin, { isActive: false });
    expect(put.status).toBe(200);
    expect(put.body.isActive).toBe(false);
    const onOtherApp = await call("PUT", `/api/applications/${otherAppId}/webhooks/${created.body.id}`, admin, {});
    expect(onOtherApp.status).toBe(404);
    const badUrl = await call("POST", base, admin, { url: "ftp://x", events: ["*"] });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.field).toBe("url");
    expect((await call("POST", base, appsOnly, { url: "https://hooks.example.com/x" })).status).toBe(403);
    expect((await call("DELETE", `${base}/${created.body.id}`, admin)).status).toBe(204);
    expect((await call("DELETE", `${base}/${created.body.id}`, admin)).status).toBe(404);
  });
});

describe("REST admin API: providers", () => {
  it("adds (type, isEnabled, no secret back), lists and deletes a provider; 409 for a second of the kind", async () => {
    const base = `/api/applications/${appId}/providers`;
    const input = { type: "google", clientId: "1234.apps.googleusercontent.com", clientSecret: "GOCSPX-long-secret" };
    const created = await call("POST", base, admin, input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "google", isEnabled: true, clientSecretLast4: "cret" });
    expect(created.body.clientSecret).toBeUndefined();
    expect((await call("POST", base, admin, input)).status).toBe(409);
    expect((await call("POST", base, admin, { ...input, type: "nope" })).body.error.field).toBe("type");
    const list = await call("GET", base, admin);
    expect(list.body.data).toHaveLength(1);
    const app = await call("GET", `/api/applications/${appId}`, admin);
    expect(app.body.providers[0]).toMatchObject({ type: "google", isEnabled: true });
    expect((await call("DELETE", `/api/applications/${otherAppId}/providers/${created.body.id}`, admin)).status).toBe(
      404,
    );
    expect((await call("DELETE", `${base}/${created.body.id}`, admin)).status).toBe(204);
    expect((await call("GET", base, admin)).body.data).toHaveLength(0);
  });
});
