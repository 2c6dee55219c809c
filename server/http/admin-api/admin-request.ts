import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { isUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "../../db/unstorable-text.ts";
import { type ApiKeyScope, apiKeyAllows } from "../../services/api-key-scopes.ts";
import { authenticateApiKey } from "../../services/authenticate-api-key.ts";
import { authenticateAdminToken } from "../../services/authenticate-member.ts";
import { ConflictError, ForbiddenError, NotFoundError, ServiceError, ValidationError } from "../../services/errors.ts";
import { resolveAccessToken } from "../../services/oauth/resolve-access-token.ts";
import type { HttpDeps } from "../deps.ts";
import { sendJson } from "../send-json.ts";

/** Who calls the admin API: an organization API key, or an owner/admin's access token with the `admin` scope. */
export type AdminCaller = {
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly userId: string | null;
  readonly actor: { readonly type: "api_key" | "user"; readonly id: string | null };
};

/** An answer the route sends as it is: an error already shaped. */
export class AdminResponse extends Error {
  readonly response: Response;
  constructor(response: Response) {
    super("admin API answer");
    this.response = response;
  }
}

/** The admin API's one error shape: `{"error": {"code", "message", "field"?}}`, never cached. */
export function adminError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  field?: string,
  headers: Record<string, string> = {},
): Response {
  return sendJson(c, { error: { code, message, ...(field ? { field } : {}) } }, status, {
    "Cache-Control": "no-store",
    ...headers,
  });
}

const CHALLENGE = 'Bearer realm="latch"';

/**
 * Authenticates the caller and checks it may act with `scope`: 401 with a Bearer challenge for a missing or
 * unknown credential, 403 for one without the scope.
 */
export async function authenticateAdmin(c: Context, deps: HttpDeps, scope: ApiKeyScope): Promise<AdminCaller> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  const unauthorized = (message: string, error?: string) =>
    new AdminResponse(
      adminError(c, 401, "unauthorized", message, undefined, {
        "WWW-Authenticate": error ? `${CHALLENGE}, error="${error}"` : CHALLENGE,
      }),
    );
  if (!match) throw unauthorized("Send Authorization: Bearer <API key or admin access token>");
  const presented = match[1]!;
  const em = deps.orm.em.fork();
  const now = new Date();
  let caller: AdminCaller | null = null;
  if (presented.startsWith(SECRET_PREFIXES.apiKey)) {
    const key = await authenticateApiKey(em, presented, now);
    if (key) {
      caller = {
        organizationId: key.organizationId,
        scopes: key.scopes,
        userId: null,
        actor: { type: "api_key", id: key.apiKeyId },
      };
    }
  } else {
    const token = await resolveAccessToken(deps.runtime, presented, now);
    const member = token ? await authenticateAdminToken(em, token) : null;
    if (member) {
      caller = {
        organizationId: member.organizationId,
        scopes: member.scopes,
        userId: member.userId,
        actor: { type: "user", id: member.userId },
      };
    }
  }
  if (!caller) {
    throw unauthorized(
      "The credential is unknown, revoked or expired, or lacks the admin scope of a workspace you administer",
      "invalid_token",
    );
  }
  if (!apiKeyAllows(caller.scopes, scope)) {
    throw new AdminResponse(adminError(c, 403, "insufficient_scope", `this endpoint needs the "${scope}" scope`));
  }
  return caller;
}

/** The JSON body parsed by `schema`: 400 naming the field for a bad body, never a 500. */
export async function readJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new AdminResponse(adminError(c, 400, "invalid_json", "The request body must be a JSON object"));
  }
  return parseWith(c, schema, body);
}

/** The query string parsed by `schema`. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseWith(c, schema, c.req.query());
}

function parseWith<T extends z.ZodType>(c: Context, schema: T, value: unknown): z.output<T> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AdminResponse(adminError(c, 400, "invalid_json", "The request body must be a JSON object"));
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || undefined;
  const missing =
    issue.code === "invalid_type" && (value as Record<string, unknown>)[String(issue.path[0])] === undefined;
  const message = missing ? `${field} is required` : `${field ?? "body"}: ${issue.message}`;
  throw new AdminResponse(adminError(c, 400, "validation_failed", message, field));
}

/** Answers a thrown AdminResponse or ServiceError in the admin API's shape; anything else is rethrown. */
export function adminFailure(c: Context, error: unknown): Response {
  if (error instanceof AdminResponse) return error.response;
  if (error instanceof ValidationError) return adminError(c, 400, "validation_failed", error.message, error.field);
  if (error instanceof NotFoundError) return adminError(c, 404, "not_found", error.message);
  if (error instanceof ConflictError) return adminError(c, 409, "conflict", error.message, error.field);
  if (error instanceof ForbiddenError) return adminError(c, 403, "forbidden", error.message);
  if (error instanceof ServiceError) return adminError(c, 400, error.code.toLowerCase(), error.message);
  if (isUnstorableText(error)) return adminError(c, 400, "validation_failed", UNSTORABLE_TEXT_MESSAGE);
  throw error;
}

/** An admin route's handler: failures become the admin API's error shape. */
export function adminHandler(handler: (c: Context) => Promise<Response>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (error) {
      return adminFailure(c, error);
    }
  };
}

/** JSON answer of the admin API (no-store: answers may hold a secret shown once). */
export function adminJson(c: Context, body: object, status: ContentfulStatusCode = 200): Response {
  return sendJson(c, body, status, { "Cache-Control": "no-store" });
}

/** ISO timestamps; `updatedAt` is null until the first update (a row is born with updatedAt = createdAt). */
export function timestamps(row: { createdAt: Date; updatedAt: Date }): { createdAt: string; updatedAt: string | null } {
  return {
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.getTime() === row.createdAt.getTime() ? null : row.updatedAt.toISOString(),
  };
}

/** A path parameter of the route (always present when the route matched). */
export function param(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}
