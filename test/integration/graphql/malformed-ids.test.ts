import { randomUUID } from "node:crypto";
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../../server/graphql/schema.ts";
import { apiKeyFor, globalId } from "../../support/control-plane.ts";
import { signedInAgent } from "../../support/oauth-client.ts";
import { createApp, createUser, type TestUser } from "../../support/oauth-fixtures.ts";
import { startTestServer, type TestServer } from "../../support/test-server.ts";

/**
 * Issue #20 item 15: malformed input never becomes INTERNAL_SERVER_ERROR. Every root argument (or input field) that
 * holds an id, and every connection's `after`/`before`/`first`/`last`, is found in the built schema, so a field added
 * later is covered without touching this file; each gets malformed values and must be answered with a typed error
 * (BAD_USER_INPUT, VALIDATION_FAILED, a ValidationError payload) or exactly as a well-formed id of no row is.
 */

type Kind = "id" | "cursor" | "count";
type Target = {
  readonly operation: "query" | "mutation";
  readonly field: GraphQLField<unknown, unknown>;
  /** The argument, then input-object fields down to the one under test. */
  readonly path: readonly string[];
  readonly kind: Kind;
  /** The type a well-formed id of this position names (for the reference answer). */
  readonly typename: string;
  /** An ID or a String that holds an id; a String takes row ids, so its reference is a bare uuid. */
  readonly scalar: "ID" | "String" | "Int";
  /** Whether the position is a list of ids (`nodes(ids:)`). */
  readonly list: boolean;
};

const ID_NAME = /^(id|ids|[a-z][A-Za-z]*Id)$/;
const nodeTypes = schema.getPossibleTypes(schema.getType("Node") as never).map((type) => type.name);

/** The Node type a position's ids name: from `applicationId`, or from the field (`revokeApiKey` → ApiKey). */
function typenameFor(field: string, position: string): string {
  const base = /^(.+?)Ids?$/.exec(position)?.[1];
  const remainder = base
    ? base[0]!.toUpperCase() + base.slice(1)
    : field.replace(/^(delete|update|revoke|remove|resend|rotate|redeliver|change|set|test|send|disconnect)/, "");
  const firstWord = /^[A-Z][a-z]*/.exec(remainder)?.[0] ?? remainder;
  const byLength = [...nodeTypes].sort((a, b) => b.length - a.length);
  return (
    byLength.find((type) => remainder.startsWith(type)) ??
    byLength.find((type) => type.startsWith(firstWord)) ??
    byLength.find((type) => type.endsWith(remainder)) ??
    "Application"
  );
}

function collectTargets(): Target[] {
  const targets: Target[] = [];
  const roots = [
    ["query", schema.getQueryType()!],
    ["mutation", schema.getMutationType()!],
  ] as const;
  for (const [operation, root] of roots) {
    for (const field of Object.values(root.getFields())) {
      const visit = (path: string[], type: GraphQLInputType, depth: number) => {
        const named = getNamedType(type);
        const name = path.at(-1)!;
        const list = isListType(isNonNullType(type) ? type.ofType : type);
        if (isInputObjectType(named) && depth < 3) {
          for (const inner of Object.values(named.getFields())) visit([...path, inner.name], inner.type, depth + 1);
          return;
        }
        if (!isScalarType(named)) return;
        const add = (kind: Kind, scalar: Target["scalar"]) =>
          targets.push({ operation, field, path, kind, scalar, list, typename: typenameFor(field.name, name) });
        if (named.name === "ID" || (named.name === "String" && ID_NAME.test(name))) {
          add("id", named.name as "ID" | "String");
        } else if (path.length === 1 && (name === "after" || name === "before") && named.name === "String") {
          add("cursor", "String");
        } else if (path.length === 1 && (name === "first" || name === "last") && named.name === "Int") {
          add("count", "Int");
        }
      };
      for (const arg of field.args) visit([arg.name], arg.type, 0);
    }
  }
  return targets;
}

/** A plausible value for a required input the test does not look at, so validation reaches the one it does. */
function plausible(name: string, type: GraphQLInputType, field: string): unknown {
  if (isNonNullType(type)) return plausible(name, type.ofType, field);
  if (isListType(type)) return [plausible(name, type.ofType, field)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const inner of Object.values(type.getFields())) {
      if (isNonNullType(inner.type)) value[inner.name] = plausible(inner.name, inner.type, field);
    }
    return value;
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case "ID":
      return globalId(typenameFor(field, name), randomUUID());
    case "Int":
      return 1;
    case "Boolean":
      return false;
    case "DateTime":
      return new Date(Date.now() + 86_400_000).toISOString();
    case "Date":
      return "2026-01-01";
    case "JSON":
      return {};
    default:
      if (ID_NAME.test(name)) return randomUUID();
      if (/url|uri/i.test(name)) return "https://malformed.example/cb";
      if (/email/i.test(name)) return "malformed@example.com";
      if (/scopes?$/i.test(name)) return "openid";
      return "Malformed test";
  }
}

/** Sets `value` at `path` inside `variables` (whose first segment is an argument), creating input objects. */
function withValue(target: Target, value: unknown): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const arg of target.field.args) {
    if (isNonNullType(arg.type)) variables[arg.name] = plausible(arg.name, arg.type, target.field.name);
  }
  let holder = variables;
  for (const segment of target.path.slice(0, -1)) {
    holder[segment] ??= {};
    holder = holder[segment] as Record<string, unknown>;
  }
  holder[target.path.at(-1)!] = target.list ? [value] : value;
  return variables;
}

function operationOf(target: Target): string {
  const args = target.field.args;
  const declared = args.map((arg: GraphQLArgument) => `$${arg.name}: ${arg.type}`).join(", ");
  const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  const selection = isCompositeType(getNamedType(target.field.type)) ? " { __typename }" : "";
  return `${target.operation}${declared ? ` (${declared})` : ""} { ${target.field.name}${passed ? `(${passed})` : ""}${selection} }`;
}

type Outcome = { status: number; codes: string[]; payload: string };

let server: TestServer;
let user: TestUser;
let apiKey: string;
let sessionCookie: string;

async function send(query: string, variables: Record<string, unknown>, as: "apiKey" | "session"): Promise<Outcome> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(as === "apiKey" ? { authorization: `Bearer ${apiKey}` } : { cookie: sessionCookie }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
  const codes = [...new Set((json.errors ?? []).map((error) => error.extensions?.code ?? "NO_CODE"))].sort();
  const data = json.data ? Object.values(json.data)[0] : undefined;
  const payload =
    data === undefined
      ? "no data"
      : data === null
        ? "null"
        : (data.__typename ?? (Array.isArray(data) ? "list" : "value"));
  return { status: response.status, codes, payload };
}

/** Refused as bad input, rather than looked up. */
const refusedAsInput = (outcome: Outcome) =>
  outcome.codes.includes("BAD_USER_INPUT") ||
  outcome.codes.includes("VALIDATION_FAILED") ||
  outcome.payload === "ValidationError";

/** Not found: what a mutation answers for an id of no row, even where a well-formed one meets another check first. */
const notFound = (outcome: Outcome) =>
  outcome.payload === "NotFoundError" || (outcome.codes.length === 1 && outcome.codes[0] === "NOT_FOUND");

const NOT_A_UUID_CURSOR = Buffer.from(`${new Date().toISOString()}|not-a-uuid`).toString("base64url");

/** Malformed values for a position of `kind`; an object stands where a string is expected. */
function malformedValues(target: Target): [string, unknown][] {
  if (target.kind === "count")
    return [
      ["-1", -1],
      ["2^31", 2 ** 31],
      ["a string", "ten"],
    ];
  return [
    ["a global id of another type", globalId(target.typename === "Organization" ? "User" : "Organization", "42")],
    ["a global id of User 42", Buffer.from("User:42").toString("base64")],
    ["a global id of the right type but no uuid", globalId(target.typename, "42")],
    ["a raw uuid", randomUUID()],
    ["!!!", "!!!"],
    ["a cursor whose id part is not a uuid", NOT_A_UUID_CURSOR],
    ["a string with a NUL byte", `${globalId(target.typename, randomUUID())}\u0000`],
    ["a NUL byte alone", "\u0000"],
    // An empty cursor reads as none; an empty id is simply no row.
    ...(target.kind === "id" ? ([["an empty string", ""]] as [string, unknown][]) : []),
    ["a very long string", "A".repeat(10_000)],
    ["an object", { id: randomUUID() }],
  ];
}

const targets = collectTargets();

beforeAll(async () => {
  server = await startTestServer();
  let organizationId: string;
  ({ user, organizationId } = await createUser(server.orm));
  await createApp(server.orm, organizationId);
  apiKey = await apiKeyFor(server, organizationId);
  const agent = await signedInAgent(server, user);
  sessionCookie = [...agent.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
});
afterAll(() => server?.stop());

describe("the schema walk", () => {
  it("finds the id arguments, filters' id fields, mutation inputs' ids and connection arguments", () => {
    const names = targets.map((target) => `${target.field.name}.${target.path.join(".")}`);
    for (const expected of [
      "node.id",
      "nodes.ids",
      "application.id",
      "applications.after",
      "applications.first",
      "grants.filter.applicationId",
      "updateApplication.input.id",
      "deleteWebhook.id",
      "revokeUserGrants.userId",
    ]) {
      expect(names).toContain(expected);
    }
  });
});

describe.each(["apiKey", "session"] as const)("malformed ids and page arguments, as %s", (as) => {
  it.each(targets.map((target) => [`${target.field.name}(${target.path.join(".")})`, target] as const))(
    "%s",
    async (_name, target) => {
      const query = operationOf(target);
      const reference =
        target.kind === "id"
          ? await send(
              query,
              withValue(target, target.scalar === "ID" ? globalId(target.typename, randomUUID()) : randomUUID()),
              as,
            )
          : undefined;
      const problems: string[] = [];
      for (const [label, value] of malformedValues(target)) {
        const outcome = await send(query, withValue(target, value), as);
        const seen = `${label}: ${JSON.stringify(outcome)}`;
        if (outcome.status >= 500 || outcome.codes.includes("INTERNAL_SERVER_ERROR")) problems.push(seen);
        else if (target.kind !== "id" && !refusedAsInput(outcome)) problems.push(`${seen} (accepted)`);
        else if (
          reference &&
          !refusedAsInput(outcome) &&
          !notFound(outcome) &&
          (outcome.payload !== reference.payload || outcome.codes.join() !== reference.codes.join())
        ) {
          problems.push(`${seen} differs from a nonexistent id's ${JSON.stringify(reference)}`);
        }
      }
      expect(problems, query).toEqual([]);
    },
  );
});

/** Every String argument or input field that is not an id: where a NUL byte could travel to PostgreSQL. */
function collectTextPositions(): Target[] {
  const positions: Target[] = [];
  const roots = [
    ["query", schema.getQueryType()!],
    ["mutation", schema.getMutationType()!],
  ] as const;
  for (const [operation, root] of roots) {
    for (const field of Object.values(root.getFields())) {
      const visit = (path: string[], type: GraphQLInputType, depth: number) => {
        const named = getNamedType(type);
        if (isInputObjectType(named) && depth < 3) {
          for (const inner of Object.values(named.getFields())) visit([...path, inner.name], inner.type, depth + 1);
        } else if (isScalarType(named) && named.name === "String" && !ID_NAME.test(path.at(-1)!)) {
          const list = isListType(isNonNullType(type) ? type.ofType : type);
          if (!(path.length === 1 && ["after", "before"].includes(path[0]!))) {
            positions.push({ operation, field, path, kind: "id", scalar: "String", list, typename: "" });
          }
        }
      };
      for (const arg of field.args) visit([arg.name], arg.type, 0);
    }
  }
  return positions;
}

const textPositions = collectTextPositions();

describe("NUL bytes in text never reach PostgreSQL", () => {
  it("finds the names and URLs of create mutations", () => {
    const names = textPositions.map((target) => `${target.field.name}.${target.path.join(".")}`);
    for (const expected of [
      "createApplication.input.name",
      "createApplication.input.redirectUris",
      "addRedirectUri.uri",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(textPositions.map((target) => [`${target.field.name}(${target.path.join(".")})`, target] as const))(
    "%s",
    async (_name, target) => {
      const query = operationOf(target);
      const outcome = await send(query, withValue(target, "Acme\u0000Billing"), "apiKey");
      expect(outcome.status, query).toBeLessThan(500);
      expect(outcome.codes, query).not.toContain("INTERNAL_SERVER_ERROR");
    },
  );

  const CREATE = /* GraphQL */ `
    mutation ($input: CreateApplicationInput!) {
      createApplication(input: $input) { __typename ... on ValidationError { field message } }
    }
  `;

  it.each([
    ["name", { name: "Acme\u0000", redirectUris: ["https://acme.example/cb"] }, /control or invisible characters/],
    ["redirectUris", { name: "Acme", redirectUris: ["https://acme.example/cb\u0000"] }, /control characters/],
  ])("createApplication answers a NUL in %s with a ValidationError on that field", async (field, input, message) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: CREATE, variables: { input: { type: "CONFIDENTIAL", ...input } } }),
    });
    const json = (await response.json()) as { data: { createApplication: { __typename: string; field: string } } };
    expect(json.data.createApplication).toMatchObject({ __typename: "ValidationError", field });
    expect(json.data.createApplication).toHaveProperty("message", expect.stringMatching(message));
  });

  it("answers the REST admin API's NUL bytes with 400, in a field it validates and in one only the database sees", async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/applications`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
    const named = await post({ name: "Acme\u0000", redirectUris: [] });
    expect(named.status).toBe(400);
    expect(((await named.json()) as any).error).toMatchObject({ code: "validation_failed", field: "name" });
    const described = await post({ name: "Acme described", description: "about\u0000", redirectUris: [] });
    expect(described.status).toBe(400);
    expect(((await described.json()) as any).error.code).toBe("validation_failed");
  });
});
