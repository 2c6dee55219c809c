/**
 * The `connection` input: the endpoint and API key of an explicit `latch.Provider`, carried on each resource of that
 * provider (a secret input and output, so the engine encrypts it in the checkpoint). Dynamic providers have one
 * configuration per serialized provider text, so a second organization cannot come from `configure()`: it comes with
 * the resource's own properties, in check, diff, create, read, update and delete alike.
 *
 * Serialized with the providers: no runtime imports besides the other provider modules, globals only.
 */
import { graphqlUrl, type LatchSettings } from "./client.ts";
import { isUnknown } from "./rules.ts";

/** The property a resource of an explicit provider carries. */
export const CONNECTION = "connection";

/** What a program's explicit provider resolves to. */
export type Connection = { endpoint: string; apiKey: string };

/** The wire form of a secret, should a caller pass one wrapped (the engine unwraps them for this host). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function unwrapSecret(value: unknown): unknown {
  if (value !== null && typeof value === "object" && SECRET_SIG in value)
    return (value as unknown as { value: unknown }).value;
  return value;
}

/**
 * The connection one argument of a lifecycle method carries: `undefined` when there is none (the stack's own
 * organization), `"unknown"` during a preview that cannot know it yet, else the settings it stands for.
 */
export function connectionOf(arg: unknown): LatchSettings | "unknown" | undefined {
  const connection = connectionOrInvalid(arg);
  if (connection === "invalid") {
    throw new Error("connection: an explicit latch.Provider needs an endpoint and an apiKey [NOT_CONFIGURED]");
  }
  return connection;
}

function connectionOrInvalid(arg: unknown): LatchSettings | "unknown" | "invalid" | undefined {
  if (arg === null || typeof arg !== "object" || Array.isArray(arg)) return undefined;
  const raw = unwrapSecret((arg as Record<string, unknown>)[CONNECTION]);
  if (raw === undefined || raw === null) return undefined;
  if (isUnknown(raw)) return "unknown";
  const value = raw as Partial<Record<keyof Connection, unknown>>;
  const endpoint = unwrapSecret(value.endpoint);
  const apiKey = unwrapSecret(value.apiKey);
  // Never the stack's own organization instead: a program that named another one must not change this one.
  if (typeof endpoint !== "string" || typeof apiKey !== "string" || !endpoint.trim() || !apiKey) return "invalid";
  return { endpoint: graphqlUrl(endpoint), apiKey };
}

/** The raw connection value of an argument, as it must be handed back to the engine. */
export function rawConnection(arg: unknown): unknown {
  if (arg === null || typeof arg !== "object" || Array.isArray(arg)) return undefined;
  return (arg as Record<string, unknown>)[CONNECTION];
}

/** The argument without its connection: the resource's own properties, what the provider methods see. */
export function withoutConnection<T>(value: T): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  if (!(CONNECTION in value)) return value;
  const { [CONNECTION]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest as T;
}

/** Whether two connections name different endpoints or keys (the stack's own counts as none). */
export function connectionChanged(olds: unknown, news: unknown): boolean {
  const before = connectionOf(olds);
  const after = connectionOf(news);
  if (after === "unknown" || before === "unknown") return true;
  return before?.endpoint !== after?.endpoint || before?.apiKey !== after?.apiKey;
}
