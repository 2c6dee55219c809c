import { z } from "zod";
import * as admin from "../admin-api/admin-schemas.ts";
import { ADMIN_OPERATIONS } from "./admin-operations.ts";
import { OAUTH_OPERATIONS } from "./oauth-operations.ts";
import * as oauth from "./oauth-schemas.ts";
import type { Operation } from "./operation.ts";

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

export type { Operation } from "./operation.ts";

/** Every REST operation documented; the test checks this against the routes the app registers under /api. */
export const OPERATIONS: readonly Operation[] = [...ADMIN_OPERATIONS, ...OAUTH_OPERATIONS];

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
