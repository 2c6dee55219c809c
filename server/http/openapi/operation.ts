import type { z } from "zod";

export type Body = { schema: string; form?: boolean };
/** One documented REST operation: what the OpenAPI document says of a route, and what the route test holds it to. */
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
