import type { TestApp } from "./oauth-fixtures.ts";

/** client_secret_basic credentials (RFC 6749 §2.3.1) of a confidential test app. */
export function basicAuth(app: TestApp): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret!)}`).toString("base64")}`;
}

/** Posts a form to a client-authenticated endpoint (token, revoke, introspect) and returns status and JSON body. */
export async function postAsClient(
  baseUrl: string,
  path: string,
  app: TestApp,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(app) },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}
