import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

let server: TestServer;
let apiKey: string;
const logs: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ logs });
  apiKey = server.firstRun!.apiKey;
});
afterAll(() => server?.stop());

/** One request over `agent`, answered with its status, headers and body (as text). */
function request(
  agent: http.Agent,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { agent, method, headers, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, socket: req.socket }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)));
    req.on("error", reject);
    req.end();
  });
}

const errorLines = () => logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

describe("HEAD /graphql (#20 item 19)", () => {
  it("answers as GET would, without content, and the keep-alive connection answers the next request", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const auth = { authorization: `Bearer ${apiKey}` };
      const get = await request(agent, "GET", "/graphql?query=%7B__typename%7D", auth);
      const head = await request(agent, "HEAD", "/graphql?query=%7B__typename%7D", auth);
      expect(head.status).toBe(get.status);
      expect(head.status).toBe(200);
      expect(head.body).toBe("");
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
      const next = await request(agent, "GET", "/graphql?query=%7B__typename%7D", auth);
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toEqual({ data: { __typename: "Query" } });
      // The same socket carried all three: HEAD did not break the connection.
      expect(next.socket).toBe(head.socket);
      const bare = await request(agent, "HEAD", "/graphql");
      expect(bare.status).toBeLessThan(500);
      expect((await request(agent, "GET", "/healthz")).status).toBe(200);
    } finally {
      agent.destroy();
    }
    expect(errorLines()).toEqual([]);
  });
});

describe("errors before execution are in the GraphQL format (#20 item 20)", () => {
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    it(`refuses ${method} with 405 and Allow`, async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: method === "DELETE" ? undefined : JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
      const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(json.errors[0]!.extensions.code).toBe("METHOD_NOT_ALLOWED");
      expect(json.errors[0]!.message).toMatch(method);
    });
  }

  it("refuses a body over the limit with 413 in the GraphQL format", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(300 * 1024) } }),
    });
    expect(response.status).toBe(413);
    const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors[0]!.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(json.errors[0]!.message).toMatch(/exceeds/);
  });

  it("answers an unacceptable Accept with 406 and a body saying what is acceptable", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/html", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(406);
    const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors[0]!.extensions.code).toBe("NOT_ACCEPTABLE");
    expect(json.errors[0]!.message).toMatch(/application\/json/);
  });
});
