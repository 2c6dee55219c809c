import type * as pulumi from "@pulumi/pulumi";
import { type ErrorSubject, type LatchSettings, latchError } from "../provider/client.ts";
import { scopeDefinitions } from "../provider/scope.ts";
import {
  type LatchInvokeOptions,
  type LatchInvokeOutputOptions,
  lookupOutput,
  lookupPromise,
  notFound,
} from "./lookup.ts";

export type GetScopeArgs = { name: string };
export type GetScopeOutputArgs = { name: pulumi.Input<string> };

/** A scope the organization's apps may request: one of Latch's built-ins or one of the organization's own. */
export type GetScopeResult = {
  /** The custom scope's global id (what a Scope's `id` is); null for a built-in scope. */
  id: string | null;
  name: string;
  description: string;
  /** Whether Latch defines it (`openid`, `email`, ...) rather than the organization. */
  builtIn: boolean;
};

const SUBJECT: ErrorSubject = { resource: "getScope", property: "name" };

function nameOf(args: { name?: unknown } | undefined): string {
  if (typeof args?.name !== "string" || args.name.trim() === "") {
    throw latchError(SUBJECT, "name must be a non-empty string", { code: "VALIDATION_FAILED" });
  }
  return args.name;
}

async function lookUp(name: string, settings: LatchSettings): Promise<GetScopeResult> {
  const definition = (await scopeDefinitions(settings, SUBJECT)).find((scope) => scope.name === name);
  if (!definition) throw notFound(SUBJECT, `scope named ${JSON.stringify(name)}`);
  return {
    id: definition.scope?.id ?? null,
    name: definition.name,
    description: definition.description,
    builtIn: definition.builtIn,
  };
}

/**
 * Reads a scope by name: a custom one the organization (the stack's, or `opts.provider`'s) defined elsewhere, or a
 * built-in. Not found is an error that names the scope.
 *
 * @example
 * const billing = await getScope({ name: "billing:read" });
 * new OAuthApp("reports", { name: "Reports", scopes: ["openid", billing.name] });
 */
export function getScope(args: GetScopeArgs, opts?: LatchInvokeOptions): Promise<GetScopeResult> {
  return lookupPromise(SUBJECT, opts, async (settings) => lookUp(nameOf(args), settings));
}

/** `getScope` taking Inputs and returning an Output, unknown while they are. */
export function getScopeOutput(
  args: GetScopeOutputArgs,
  opts?: LatchInvokeOutputOptions,
): pulumi.Output<GetScopeResult> {
  return lookupOutput(SUBJECT, args, opts, (plain, settings) => lookUp(nameOf(plain as { name?: unknown }), settings));
}
