/**
 * Helpers the resource providers share. Serialized with them: no runtime imports besides the other provider
 * modules, globals only.
 */
import {
  type ErrorSubject,
  graphql,
  isNotFound,
  type LatchSettings,
  MUTATION_ERRORS,
  payloadOf,
  requireSettings,
  resolveSettings,
} from "./client.ts";
import { CONNECTION, connectionChanged, connectionOf, rawConnection, withoutConnection } from "./connection.ts";
import { isUnknown } from "./rules.ts";

/** Pulumi's dynamic-provider config object, as `configure()` receives it. */
export type ProviderConfig = { get(key: string): string | undefined };

/**
 * What every Latch provider keeps between calls: the settings `configure()` read, never serialized. A call for a
 * resource of an explicit `latch.Provider` sees that provider's settings instead (`unknownConnection` while a
 * preview cannot know them).
 */
export type ProviderState = { settings: LatchSettings | undefined; unknownConnection?: boolean };

/** Settings from `configure()`, else (an engine that never called it, a direct test) from the environment. */
export function settingsOf(provider: ProviderState, subject: ErrorSubject): LatchSettings {
  return requireSettings(provider.settings ?? resolveSettings(undefined), subject);
}

/** The settings `check` may ask the server with, or undefined when it cannot know them (a preview's unknown key). */
export function checkSettingsOf(provider: ProviderState | undefined): LatchSettings | undefined {
  if (provider?.unknownConnection) return undefined;
  return provider?.settings ?? resolveSettings(undefined);
}

function sameValue(a: unknown, b: unknown, unordered: boolean): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (unordered && Array.isArray(left) && Array.isArray(right)) {
    return JSON.stringify([...left].map(String).sort()) === JSON.stringify([...right].map(String).sort());
  }
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * The input properties whose new value differs from the old one; a value unknown during preview counts as changed.
 * `unordered` lists compare as sets (the server keeps redirect URIs and scopes as sets).
 */
export function changedProperties(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  properties: readonly string[],
  unordered: readonly string[] = [],
): string[] {
  return properties.filter(
    (property) => isUnknown(news[property]) || !sameValue(olds[property], news[property], unordered.includes(property)),
  );
}

/**
 * The diff the engine gets: `changes` and `replaces` (the only fields the dynamic-provider host forwards), plus
 * `diffs`, the changed properties by name, for tests and tools that call the provider directly.
 */
export function diffResult(changed: readonly string[], replaceOn: readonly string[]) {
  return {
    changes: changed.length > 0,
    replaces: changed.filter((property) => replaceOn.includes(property)),
    diffs: [...changed],
    deleteBeforeReplace: false,
  };
}

/** An error for a create that half-succeeded: the engine records the object (`id`, `properties`) so nothing leaks. */
export function partialCreateError(error: unknown, id: string, properties: Record<string, unknown>): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  return Object.assign(failure, { id, properties, reasons: [failure.message] });
}

/** Replaces `undefined` by `null`: protobuf Structs cannot hold undefined. */
export function nullish<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> | null } {
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, item === undefined ? null : item]),
  ) as never;
}

/** Runs one mutation and returns its payload, or throws the LatchError its typed error stands for. */
export async function mutate<T>(
  settings: LatchSettings,
  field: string,
  document: string,
  variables: Record<string, unknown>,
  subject: ErrorSubject,
  idempotent = false,
): Promise<T> {
  const data = await graphql<Record<string, unknown>>(settings, `${document} ${MUTATION_ERRORS}`, variables, {
    subject,
    idempotent,
  });
  return payloadOf<T>(data[field], subject);
}

/** A node of the organization by global id, or null when it is gone (or of another type). */
export async function fetchNode<T>(
  settings: LatchSettings,
  id: string,
  typename: string,
  fields: string,
  subject: ErrorSubject,
): Promise<T | null> {
  try {
    const data = await graphql<{ node: (T & { __typename: string }) | null }>(
      settings,
      `query LatchPulumiNode($id: ID!) { node(id: $id) { __typename ... on ${typename} { ${fields} } } }`,
      { id },
      { subject, idempotent: true },
    );
    return data.node && data.node.__typename === typename ? data.node : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Deletes with `mutation`; an object already gone counts as deleted. */
export async function deleteIdempotently(
  settings: LatchSettings,
  field: string,
  document: string,
  id: string,
  subject: ErrorSubject,
): Promise<void> {
  try {
    await mutate(settings, field, document, { id }, subject, true);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The properties a program declared: without the engine's own (`__provider`, any `__`-prefixed key). */
export function withoutEngineKeys<T>(value: T): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("__"))) as T;
}

const LIFECYCLE = ["check", "diff", "create", "read", "update", "delete"] as const;

/** The texts a message must not hold: each secret as written and as JSON would escape it (a PEM key's newlines). */
function secretTexts(values: readonly unknown[]): string[] {
  const texts = new Set<string>();
  for (const value of values) {
    if (typeof value !== "string" || value.length < 4) continue;
    texts.add(value);
    texts.add(JSON.stringify(value).slice(1, -1));
    texts.add(JSON.stringify(JSON.stringify(value)).slice(3, -3));
  }
  // Longest first, so a secret is never left half replaced by a shorter one it contains.
  return [...texts].sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join("[secret]"), text);
}

/** The error with every secret replaced in its message, stack and reasons (the host prints all three). */
export function redactedError(error: unknown, secretValues: readonly unknown[]): unknown {
  const secrets = secretTexts(secretValues);
  if (secrets.length === 0) return error;
  if (!(error instanceof Error)) return new Error(redact(String(error), secrets));
  error.message = redact(error.message, secrets);
  if (error.stack) error.stack = redact(error.stack, secrets);
  const withReasons = error as Error & { reasons?: unknown };
  if (Array.isArray(withReasons.reasons)) {
    withReasons.reasons = withReasons.reasons.map((reason) => redact(String(reason), secrets));
  }
  return error;
}

/** `this` for one call: the explicit provider's settings when the resource carries a connection. */
function scopedState(state: ProviderState | undefined, carrier: unknown): ProviderState | undefined {
  const connection = connectionOf(carrier);
  if (connection === undefined) return state;
  const scoped = Object.create(state ?? null) as ProviderState;
  scoped.settings = connection === "unknown" ? undefined : connection;
  scoped.unknownConnection = connection === "unknown";
  return scoped;
}

type Result = Record<string, unknown> & { outs?: Record<string, unknown>; inputs?: Record<string, unknown> };

/** Hands the connection back in what the engine stores (inputs, outputs), so delete and refresh reach the same org. */
function withConnectionBack(method: string, result: unknown, carrier: unknown): unknown {
  const connection = rawConnection(carrier);
  if (connection === undefined || result === null || typeof result !== "object") return result;
  const value = result as Result;
  const put = (target: Record<string, unknown> | undefined) =>
    target && Object.assign(target, { [CONNECTION]: connection });
  if (method === "check") put(value.inputs);
  if (method === "create" || method === "update") put(value.outs);
  if (method === "read" && value.id) {
    put(value.props as Record<string, unknown> | undefined);
    put(value.inputs);
  }
  return result;
}

/**
 * The provider the engine's host calls. Every lifecycle method sees the program's properties only: the host passes
 * the serialized provider itself (`__provider`, ~50 KB) with the inputs, olds and state, and a method that spreads
 * its inputs into a GraphQL input would otherwise send it to Latch. The `connection` of an explicit provider is taken
 * off too: it picks the settings of the call (see connection.ts) and is handed back in the inputs and outputs the
 * engine stores. And no error it throws holds a secret: the values of `secretFields` in any argument and the API key
 * are replaced by `[secret]`, whatever the server said (the CLI masks only secure config values, not a secret from
 * another resource or the environment).
 */
export function engineFacing<P extends object>(provider: P, secretFields: readonly string[]): P {
  const facing = { ...provider } as Record<string, unknown>;
  for (const method of LIFECYCLE) {
    const inner = (provider as Record<string, unknown>)[method];
    if (typeof inner !== "function") continue;
    facing[method] = async function (this: ProviderState | undefined, ...args: unknown[]) {
      const engineArgs = args.map(withoutEngineKeys);
      // The last argument is the one the call is about: check's and diff's news, update's news, the others' state.
      const carrier = engineArgs[engineArgs.length - 1];
      const state = scopedState(this, carrier);
      const own = engineArgs.map(withoutConnection);
      try {
        const result = await inner.apply(state, own);
        if (method === "diff" && connectionChanged(engineArgs[1], engineArgs[2])) {
          const diff = result as { changes: boolean; diffs?: string[] };
          diff.changes = true;
          diff.diffs = [...(diff.diffs ?? []), CONNECTION];
        }
        return withConnectionBack(method, result, carrier);
      } catch (error) {
        const values: unknown[] = [this?.settings?.apiKey, state?.settings?.apiKey, process.env.LATCH_API_KEY];
        for (const arg of own) {
          if (arg !== null && typeof arg === "object") {
            for (const field of secretFields) values.push((arg as Record<string, unknown>)[field]);
          }
        }
        const partial = error as { properties?: Record<string, unknown> };
        if (method === "create" && partial && typeof partial.properties === "object" && partial.properties) {
          withConnectionBack("create", { outs: partial.properties }, carrier);
        }
        throw redactedError(error, values);
      }
    };
  }
  return facing as P;
}

/**
 * A list the server keeps as a set, in the order the program gave (`previous`: its inputs or the state), the server's
 * new items after: a refresh then shows only real changes, never a reordering.
 */
export function inOrderOf<T>(live: readonly T[], previous: unknown): T[] {
  if (!Array.isArray(previous)) return [...live];
  const kept = previous.filter((item) => live.includes(item as T)) as T[];
  const unique = [...new Set(kept)];
  return [...unique, ...live.filter((item) => !unique.includes(item))];
}
