import type { Hono } from "hono";
import type { HttpDeps } from "../deps.ts";
import { buildOpenApiDocument, OPERATIONS } from "../openapi/openapi-document.ts";
import { sendPage } from "../page-response.ts";
import { html, renderDocument } from "../pages/html.ts";
import { sendJson } from "../send-json.ts";

/** `GET /api/openapi.json` (the OpenAPI 3.1 document, built once) and `GET /api/docs` (a server-rendered reference). */
export function registerOpenApiRoutes(router: Hono, deps: HttpDeps): void {
  const document = buildOpenApiDocument(deps.config.publicUrl);
  router.get("/api/openapi.json", (c) => sendJson(c, document, 200, { "Cache-Control": "public, max-age=300" }));
  router.get("/api/docs", (c) =>
    sendPage(c, 200, (nonce) =>
      renderDocument({
        title: "Latch REST API",
        nonce,
        body: html`<div class="card wide">
<h1>Latch REST API</h1>
<p>The machine-readable description: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<ul>
${OPERATIONS.map((op) => html`<li><code>${op.method.toUpperCase()} ${op.path}</code>: ${op.summary}${op.scope ? html` (<code>${op.scope}</code>)` : ""}</li>`)}
</ul>
</div>`,
      }),
    ),
  );
}
