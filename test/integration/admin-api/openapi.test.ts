import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../../server/http/openapi/openapi-document.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1, lists every /api route the app registers, and every example validates against its schema", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    expect(document.openapi).toBe("3.1.0");
    const { createApp } = await import("../../../server/app.ts");
    const { loadConfig } = await import("../../../server/config.ts");
    const { createLogger } = await import("../../../server/logger.ts");
    const { createMailer } = await import("../../../server/services/mail/create-mailer.ts");
    const config = loadConfig({ PUBLIC_URL: server.url, LOG_LEVEL: "silent" });
    const app = createApp({
      config,
      orm: server.orm,
      logger: createLogger("silent"),
      keyring: server.keyring,
      runtime: server.runtime,
      mailer: createMailer(config, createLogger("silent")),
    });
    const registered = new Set(
      app.routes
        .filter((route) => route.path.startsWith("/api/") && route.method !== "ALL")
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m} ${path}`)),
    );
    expect(registered).toContain("post /api/applications/{appId}/regenerate-secret");
    for (const route of registered) expect(documented, route).toContain(route);
    let examples = 0;
    for (const [id, schema] of Object.entries(document.components.schemas) as [string, any][]) {
      for (const example of schema.examples ?? []) {
        examples += 1;
        const result = COMPONENTS[id]!.safeParse(example);
        expect(result.success, `${id} example: ${JSON.stringify(result.error?.issues)}`).toBe(true);
      }
    }
    expect(examples).toBeGreaterThan(10);
  });

  it("serves a reference page with the page CSP and no script", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src");
    const page = await response.text();
    expect(page).toContain("/api/applications/{appId}/regenerate-secret");
    expect(page).not.toContain("<script");
  });
});
