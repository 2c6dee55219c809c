import { z } from "zod";
import * as admin from "../admin-api/admin-schemas.ts";
import * as oauth from "./oauth-schemas.ts";

/**
 * The OpenAPI 3.1 document of the REST face, generated from the zod schemas the admin routes validate with
 * (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as it is). Every schema with an `id` becomes a
 * component; operations reference them.
 */

/** The components, by id: the schemas (and their examples) the document is made of. */
export const COMPONENTS: Record<string, z.ZodType> = Object.fromEntries(
  ([...Object.values(admin), ...Object.values(oauth)] as unknown[])
    .filter((value): value is z.ZodType => value instanceof z.ZodType && z.globalRegistry.get(value)?.id !== undefined)
    .map((schema) => [z.globalRegistry.get(schema)!.id as string, schema]),
);

type Body = { schema: string; form?: boolean };
export type Operation = {
  readonly method: "get" | "post" | "put" | "delete";
  readonly path: string;
  readonly summary: string;
  readonly tag: "Applications" | "Webhooks" | "Providers" | "OAuth" | "Users" | "Discovery" | "Documentation";
  readonly auth: "admin" | "client" | "bearer" | "none";
  readonly scope?: string;
  readonly body?: Body;
  readonly query?: z.ZodObject;
  readonly ok: { status: number; schema?: string; description: string; html?: boolean; array?: boolean };
  readonly errors?: readonly number[];
};

const APP = "/api/applications/{appId}";
const ADMIN_ERRORS = [400, 401, 403, 404] as const;

/** Every REST operation documented; the test checks this against the routes the app registers under /api. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/api/applications",
    summary: "List the organization's applications",
    tag: "Applications",
    auth: "admin",
    scope: "apps:read",
    query: admin.PageQuerySchema,
    ok: { status: 200, schema: "ApplicationPage", description: "A page of applications." },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/api/applications",
    summary: "Create an application",
    tag: "Applications",
    auth: "admin",
    scope: "apps:write",
    body: { schema: "CreateApplication" },
    ok: {
      status: 201,
      schema: "ApplicationWithSecret",
      description: "The app, with its first client secret (shown once).",
    },
    errors: [400, 401, 403, 409],
  },
  {
    method: "get",
    path: APP,
    summary: "Read an application",
    tag: "Applications",
    auth: "admin",
    scope: "apps:read",
    ok: { status: 200, schema: "Application", description: "The app." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "put",
    path: APP,
    summary: "Replace the given fields of an application (redirect URIs as a set)",
    tag: "Applications",
    auth: "admin",
    scope: "apps:write",
    body: { schema: "UpdateApplication" },
    ok: { status: 200, schema: "Application", description: "The app after the change." },
    errors: [...ADMIN_ERRORS, 409],
  },
  {
    method: "delete",
    path: APP,
    summary: "Delete an application with its secrets, grants and tokens",
    tag: "Applications",
    auth: "admin",
    scope: "apps:write",
    ok: { status: 204, description: "Deleted." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "post",
    path: `${APP}/regenerate-secret`,
    summary: "Regenerate the client secret; every previous secret stops working at once",
    tag: "Applications",
    auth: "admin",
    scope: "apps:write",
    ok: { status: 200, schema: "ApplicationWithSecret", description: "The app with its new secret (shown once)." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "get",
    path: `${APP}/webhooks`,
    summary: "List an application's webhooks",
    tag: "Webhooks",
    auth: "admin",
    scope: "apps:read",
    query: admin.PageQuerySchema,
    ok: { status: 200, schema: "WebhookPage", description: "A page of webhooks." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "post",
    path: `${APP}/webhooks`,
    summary: "Register a webhook",
    tag: "Webhooks",
    auth: "admin",
    scope: "webhooks:write",
    body: { schema: "CreateWebhook" },
    ok: { status: 201, schema: "WebhookWithSecret", description: "The webhook, with its signing secret (shown once)." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "put",
    path: `${APP}/webhooks/{webhookId}`,
    summary: "Change a webhook",
    tag: "Webhooks",
    auth: "admin",
    scope: "webhooks:write",
    body: { schema: "UpdateWebhook" },
    ok: { status: 200, schema: "Webhook", description: "The webhook after the change." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "delete",
    path: `${APP}/webhooks/{webhookId}`,
    summary: "Delete a webhook",
    tag: "Webhooks",
    auth: "admin",
    scope: "webhooks:write",
    ok: { status: 204, description: "Deleted." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "get",
    path: `${APP}/providers`,
    summary: "List an application's identity providers",
    tag: "Providers",
    auth: "admin",
    scope: "apps:read",
    ok: { status: 200, schema: "ProviderList", description: "The providers." },
    errors: ADMIN_ERRORS,
  },
  {
    method: "post",
    path: `${APP}/providers`,
    summary: "Add an identity provider",
    tag: "Providers",
    auth: "admin",
    scope: "apps:write",
    body: { schema: "CreateProvider" },
    ok: { status: 201, schema: "Provider", description: "The provider (its secret is write-only)." },
    errors: [...ADMIN_ERRORS, 409],
  },
  {
    method: "delete",
    path: `${APP}/providers/{providerId}`,
    summary: "Remove an identity provider",
    tag: "Providers",
    auth: "admin",
    scope: "apps:write",
    ok: { status: 204, description: "Deleted." },
    errors: ADMIN_ERRORS,
  },
  ...(["/oauth2/authorize", "/api/v1/oauth2/authorize"] as const).map((path) => ({
    method: "get" as const,
    path,
    summary: "Authorization endpoint (RFC 6749 §4.1.1, PKCE)",
    tag: "OAuth" as const,
    auth: "none" as const,
    query: oauth.AuthorizeQuerySchema,
    ok: {
      status: 302,
      description: "To the login or consent page, or back to the redirect URI with a code or an error.",
    },
  })),
  ...(["/oauth2/token", "/api/v1/oauth2/token"] as const).map((path) => ({
    method: "post" as const,
    path,
    summary: "Token endpoint (RFC 6749 §3.2)",
    tag: "OAuth" as const,
    auth: "client" as const,
    body: { schema: "TokenRequest", form: true },
    ok: { status: 200, schema: "TokenResponse", description: "Tokens." },
    errors: [400, 401],
  })),
  ...(["/oauth2/revoke", "/api/v1/oauth2/token/revoke"] as const).map((path) => ({
    method: "post" as const,
    path,
    summary: "Revocation (RFC 7009)",
    tag: "OAuth" as const,
    auth: "client" as const,
    body: { schema: "RevokeRequest", form: true },
    ok: { status: 200, description: "Revoked (or unknown: the same answer)." },
    errors: [400, 401],
  })),
  {
    method: "post",
    path: "/oauth2/introspect",
    summary: "Introspection (RFC 7662)",
    tag: "OAuth",
    auth: "client",
    body: { schema: "IntrospectRequest", form: true },
    ok: { status: 200, schema: "IntrospectResponse", description: "Whether the token is active, and its claims." },
    errors: [400, 401],
  },
  {
    method: "get",
    path: "/oauth2/userinfo",
    summary: "UserInfo (OpenID Connect Core §5.3)",
    tag: "Users",
    auth: "bearer",
    scope: "openid",
    ok: { status: 200, schema: "Userinfo", description: "Claims of the token's user." },
    errors: [401, 403],
  },
  {
    method: "get",
    path: "/api/v1/users/@me",
    summary: "The token's user (identify)",
    tag: "Users",
    auth: "bearer",
    scope: "identify",
    ok: { status: 200, schema: "Me", description: "The user." },
    errors: [401, 403],
  },
  {
    method: "get",
    path: "/api/v1/users/@me/guilds",
    summary: "The workspaces the grant covers (guilds)",
    tag: "Users",
    auth: "bearer",
    scope: "guilds",
    ok: { status: 200, schema: "Guild", array: true, description: "An array of workspaces." },
    errors: [401, 403],
  },
  {
    method: "get",
    path: "/api/v1/users/@me/connections",
    summary: "The upstream accounts the user linked (connections)",
    tag: "Users",
    auth: "bearer",
    scope: "connections",
    ok: { status: 200, schema: "LinkedAccount", array: true, description: "An array of linked accounts." },
    errors: [401, 403],
  },
  {
    method: "get",
    path: "/.well-known/openid-configuration",
    summary: "OpenID Connect Discovery",
    tag: "Discovery",
    auth: "none",
    ok: { status: 200, schema: "ServerMetadata", description: "Provider metadata." },
  },
  {
    method: "get",
    path: "/.well-known/oauth-authorization-server",
    summary: "Authorization server metadata (RFC 8414)",
    tag: "Discovery",
    auth: "none",
    ok: { status: 200, schema: "ServerMetadata", description: "Server metadata." },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    summary: "This document",
    tag: "Documentation",
    auth: "none",
    ok: { status: 200, description: "OpenAPI 3.1." },
  },
  {
    method: "get",
    path: "/api/docs",
    summary: "A reference page of this document",
    tag: "Documentation",
    auth: "none",
    ok: { status: 200, description: "HTML.", html: true },
  },
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function componentSchemas(): Record<string, unknown> {
  const all = z.toJSONSchema(z.globalRegistry, {
    target: "draft-2020-12",
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  }).schemas;
  return Object.fromEntries(
    Object.keys(COMPONENTS).map((id) => {
      const { $schema: _schema, $id: _id, ...schema } = all[id] as Record<string, unknown>;
      return [id, schema];
    }),
  );
}

function parameters(operation: Operation): object[] {
  const inPath = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", format: "uuid" },
  }));
  const shape = (operation.query?.shape ?? {}) as Record<string, z.ZodType>;
  const query = Object.entries(shape).map(([name, field]) => {
    const { $schema: _schema, ...schema } = z.toJSONSchema(field, { io: "input" }) as Record<string, unknown>;
    return {
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      ...(typeof schema.description === "string" ? { description: schema.description } : {}),
      schema,
    };
  });
  return [...inPath, ...query];
}

function operationObject(operation: Operation): object {
  const errorSchema = operation.auth === "admin" ? "Error" : "OAuthError";
  const responses: Record<string, object> = {
    [operation.ok.status]: {
      description: operation.ok.description,
      ...(operation.ok.schema
        ? {
            content: {
              "application/json": {
                schema: operation.ok.array
                  ? { type: "array", items: ref(operation.ok.schema) }
                  : ref(operation.ok.schema),
              },
            },
          }
        : operation.ok.html
          ? { content: { "text/html": { schema: { type: "string" } } } }
          : {}),
    },
  };
  for (const status of operation.errors ?? []) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error.",
      content: { "application/json": { schema: ref(errorSchema) } },
    };
  }
  const security =
    operation.auth === "admin"
      ? [{ adminBearer: [] }]
      : operation.auth === "client"
        ? [{ clientBasic: [] }, {}]
        : operation.auth === "bearer"
          ? [{ oauthBearer: [operation.scope ?? ""] }]
          : [];
  return {
    summary: operation.summary,
    operationId: `${operation.method}${operation.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [operation.tag],
    ...(operation.scope && operation.auth === "admin"
      ? {
          description: `Needs an API key with the \`${operation.scope}\` scope (or \`admin\`), or an owner/admin's access token with the \`admin\` scope.`,
        }
      : {}),
    parameters: parameters(operation),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: {
              [operation.body.form ? "application/x-www-form-urlencoded" : "application/json"]: {
                schema: ref(operation.body.schema),
              },
            },
          },
        }
      : {}),
    responses,
    security,
  };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Bad input: the body names the field.",
  401: "No credential, or an unknown one (WWW-Authenticate: Bearer).",
  403: "The credential lacks the scope, or the id belongs to another organization.",
  404: "No such resource (a malformed id included).",
  409: "A name that already exists.",
};

/** The OpenAPI 3.1 document for a server at `publicUrl`. */
export function buildOpenApiDocument(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const operation of OPERATIONS) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Latch REST API",
      version: "1",
      description: `The REST admin API (seed 003) and the OAuth endpoints. Lists paginate with limit (1 to ${admin.MAX_PAGE_SIZE}) and offset. Admin errors are {"error": {"code", "message", "field"?}}; another organization's ids answer 403.`,
    },
    servers: [{ url: publicUrl }],
    tags: ["Applications", "Webhooks", "Providers", "OAuth", "Users", "Discovery", "Documentation"].map((name) => ({
      name,
    })),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        adminBearer: {
          type: "http",
          scheme: "bearer",
          description: "An organization API key (latch_ak_...) or an admin access token.",
        },
        clientBasic: { type: "http", scheme: "basic", description: "client_id and client_secret (RFC 6749 §2.3.1)." },
        oauthBearer: { type: "http", scheme: "bearer", description: "A user's access token (RFC 6750)." },
      },
    },
  };
}
