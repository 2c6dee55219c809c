import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SERVER = path.resolve(import.meta.dirname, "../../server");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

/** Top-level server/ folders each file of `layer` imports (resolved relative imports only). */
function importedLayers(layer: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(path.join(SERVER, layer))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(
      /(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g,
    )) {
      const target = path.resolve(path.dirname(file), match[1] ?? match[2]!);
      const relative = path.relative(SERVER, target).split(path.sep);
      const targetLayer = relative.length > 1 ? relative[0]! : "(root)";
      const list = found.get(targetLayer) ?? [];
      list.push(path.relative(SERVER, file));
      found.set(targetLayer, list);
    }
  }
  return found;
}

/** A source file without its comments, so a rule reads code, not the prose that explains it. */
function code(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

describe("architecture", () => {
  it("keeps the protocol core pure: oauth/ imports nothing from db/, services/, http/ or graphql/", () => {
    const layers = importedLayers("oauth");
    for (const forbidden of ["db", "services", "http", "graphql", "events", "connections", "(root)"]) {
      expect(layers.get(forbidden) ?? [], `oauth/ imports ${forbidden}/`).toEqual([]);
    }
  });

  it("keeps the faces apart: http/ and graphql/ do not import each other's modules", () => {
    expect(importedLayers("http").get("graphql") ?? []).toEqual([]);
    expect(importedLayers("graphql").get("http") ?? []).toEqual([]);
  });

  it("keeps the database out of the protocol core and crypto", () => {
    expect(importedLayers("crypto").get("db") ?? []).toEqual([]);
  });

  it("keeps the http face off entities and SQL: it calls services", () => {
    const offending = sourceFiles(path.join(SERVER, "http")).filter((file) =>
      /from\s+["'](?:\.\.\/)+db\/(?:entities\/|native-pool|read-rows)|from\s+["']pg["']|from\s+["']@mikro-orm\//.test(
        readFileSync(file, "utf8").replace(/import type[^;]*;/g, ""),
      ),
    );
    expect(offending.map((file) => path.relative(SERVER, file))).toEqual([]);
  });

  it("no route imports another route", () => {
    const routes = path.join(SERVER, "http", "routes");
    const offending = sourceFiles(routes).filter((file) =>
      /from\s+["']\.\/[^"']+["']/.test(readFileSync(file, "utf8")),
    );
    expect(offending.map((file) => path.relative(SERVER, file))).toEqual([]);
  });

  it("keeps the outbound OAuth client pure I/O: connections/ imports no services, db, entities, faces or worker", () => {
    const layers = importedLayers("connections");
    for (const forbidden of ["services", "db", "http", "graphql", "events"]) {
      expect(layers.get(forbidden) ?? [], `connections/ imports ${forbidden}/`).toEqual([]);
    }
    const offending = sourceFiles(path.join(SERVER, "connections")).filter((file) =>
      /from\s+["'](?:pg|@mikro-orm\/[^"']+)["']/.test(readFileSync(file, "utf8")),
    );
    expect(offending.map((file) => path.relative(SERVER, file))).toEqual([]);
  });

  it("services never import the webhook worker (events/)", () => {
    expect(importedLayers("services").get("events") ?? []).toEqual([]);
  });

  it("one unit of work per request: services use the EntityManager they are given, never a fork of their own", () => {
    // The face (route, resolver, job, CLI) forks once; a service opens its transaction with em.transactional. The
    // exceptions, each with its reason at the call:
    const allowed = new Set([
      // Single-flight public APIs called with the global EntityManager by jobs and apps: each flight reads afresh.
      "services/connections/connection-access-token.ts",
      "services/service-tokens/get-access-token.ts",
      // The peek outside the organization's lock must not seed the transaction's identity map.
      "services/invitations/accept-invitation.ts",
    ]);
    const offending = sourceFiles(path.join(SERVER, "services"))
      .map((file) => path.relative(SERVER, file))
      .filter((file) => !allowed.has(file) && /\.fork\(/.test(code(path.join(SERVER, file))));
    expect(offending).toEqual([]);
  });

  it("keeps process state in the runtime: no module of server/ finds a cache through a WeakMap or by the ORM driver", () => {
    // Such a map is a process singleton behind a global: createRuntime (server/runtime.ts) builds that state once and
    // the faces pass it down; per-request state lives on the request (the GraphQL context's loaders).
    const offending = sourceFiles(SERVER).filter((file) =>
      /\bnew\s+Weak(?:Map|Set|Ref)\b|\.getDriver\(\)/.test(code(file)),
    );
    expect(offending.map((file) => path.relative(SERVER, file))).toEqual([]);
  });

  it("builds the runtime's parts in one place: createRuntime (server/runtime.ts)", () => {
    const builds =
      /(?<!function\s)\b(?:createTokenSigner|createUsageCounter|createClientCache|createSubscribedTokenStateCache|csrfKey)\(|\bnew\s+GroupBatchers\(/;
    const offending = sourceFiles(SERVER).filter(
      (file) => path.relative(SERVER, file) !== "runtime.ts" && builds.test(code(file)),
    );
    expect(offending.map((file) => path.relative(SERVER, file))).toEqual([]);
    // The runtime sits under the faces that carry it: it imports none of them.
    expect(code(path.join(SERVER, "runtime.ts"))).not.toMatch(/from\s+["']\.\/(?:http|graphql|events)\//);
  });
});
