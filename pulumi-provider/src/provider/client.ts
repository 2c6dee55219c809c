/**
 * The control-plane client the dynamic providers use: GraphQL over the global `fetch`, with retries and backoff.
 *
 * This module is serialized into the Pulumi state with the providers (see ../../README.md), so it imports nothing at
 * runtime and touches only globals (`fetch`, `setTimeout`, `AbortSignal`, `process.env`). It holds no credentials:
 * callers pass the settings that `configure()` read.
 */

/** Where the control plane is and the API key that speaks for the organization. */
export type LatchSettings = { readonly endpoint: string; readonly apiKey: string };

/** What a failure is about: the resource (`OAuthApp "billing"`) and, when known, the input property. */
export type ErrorSubject = {
  readonly resource: string;
  readonly property?: string | undefined;
  /** Server field names that the resource's inputs spell differently (`allowedScopes` → `scopes`). */
  readonly fields?: Readonly<Record<string, string>>;
};

export type RequestOptions = {
  readonly subject: ErrorSubject;
  /** Safe to send again after a network error that may have reached the server (queries, deletes). */
  readonly idempotent: boolean;
};

/** A failure of the control plane, as a Pulumi error message names it: resource, property, the server's message. */
export type LatchError = Error & {
  readonly latch: true;
  readonly code: string;
  readonly property: string | undefined;
  readonly status: number | undefined;
};

export type Transport = {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
};

export const DEFAULT_TRANSPORT: Transport = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8000, timeoutMs: 30_000 };

/** Builds the error every provider method throws; the message never holds a secret the server did not put there. */
export function latchError(
  subject: ErrorSubject,
  message: string,
  details: { code?: string; property?: string | null; status?: number } = {},
): LatchError {
  const serverField = details.property ?? undefined;
  const property = serverField === undefined ? subject.property : (subject.fields?.[serverField] ?? serverField);
  const code = details.code ?? "ERROR";
  const text = `${subject.resource}${property ? `: ${property}` : ""}: ${message}${code === "ERROR" ? "" : ` [${code}]`}`;
  return Object.assign(new Error(text), { latch: true as const, code, property, status: details.status });
}

export function isLatchError(error: unknown): error is LatchError {
  return error instanceof Error && (error as Partial<LatchError>).latch === true;
}

/**
 * Settings from Pulumi config (`latch:endpoint`, secret `latch:apiKey`), else the environment (LATCH_ENDPOINT,
 * LATCH_API_KEY). The endpoint may be the server's base URL or its /graphql URL.
 */
export function resolveSettings(
  config: { get(key: string): string | undefined } | undefined,
  env: Record<string, string | undefined> = process.env,
): LatchSettings | undefined {
  const endpoint = config?.get("latch:endpoint") || env.LATCH_ENDPOINT;
  const apiKey = config?.get("latch:apiKey") || env.LATCH_API_KEY;
  if (!endpoint || !apiKey) return undefined;
  return { endpoint: graphqlUrl(endpoint), apiKey };
}

export function graphqlUrl(endpoint: string): string {
  const base = endpoint.trim().replace(/\/+$/, "");
  return base.endsWith("/graphql") ? base : `${base}/graphql`;
}

/** The settings or an error that says how to provide them. */
export function requireSettings(settings: LatchSettings | undefined, subject: ErrorSubject): LatchSettings {
  if (settings) return settings;
  throw latchError(
    subject,
    "no Latch endpoint or API key: set `pulumi config set latch:endpoint <url>` and `pulumi config set --secret latch:apiKey <key>` (or LATCH_ENDPOINT and LATCH_API_KEY)",
    { code: "NOT_CONFIGURED" },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connection failures where the request never reached the server, so even a mutation may be sent again. */
const NOT_SENT = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if ((error as { name?: unknown }).name === "TimeoutError") return "ETIMEDOUT";
  return "ENETWORK";
}

function retryDelay(attempt: number, transport: Transport, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, transport.maxDelayMs * 4);
  const ceiling = Math.min(transport.maxDelayMs, transport.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

type GraphQLResponse = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/**
 * Sends one GraphQL operation. 429 and 503 are retried (honouring Retry-After) with exponential backoff and jitter, as
 * are network errors when the operation is idempotent or was never sent. Top-level GraphQL errors become LatchErrors.
 */
export async function graphql<T = Record<string, unknown>>(
  settings: LatchSettings,
  query: string,
  variables: Record<string, unknown>,
  options: RequestOptions,
  transport: Transport = DEFAULT_TRANSPORT,
): Promise<T> {
  const { subject } = options;
  for (let attempt = 0; ; attempt++) {
    const last = attempt + 1 >= transport.maxAttempts;
    let response: Response;
    try {
      response = await fetch(settings.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${settings.apiKey}`,
          "user-agent": "latch-pulumi",
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(transport.timeoutMs),
      });
    } catch (error) {
      const code = networkErrorCode(error);
      if (!last && (options.idempotent || NOT_SENT.includes(code))) {
        await sleep(retryDelay(attempt, transport, null));
        continue;
      }
      throw latchError(
        subject,
        `cannot reach the Latch control plane at ${settings.endpoint} (${code}) after ${attempt + 1} attempt(s)`,
        { code: "NETWORK_ERROR" },
      );
    }
    if ((response.status === 429 || response.status === 503) && !last) {
      await response.body?.cancel();
      await sleep(retryDelay(attempt, transport, response.headers.get("retry-after")));
      continue;
    }
    const text = await response.text();
    let body: GraphQLResponse | undefined;
    try {
      body = JSON.parse(text) as GraphQLResponse;
    } catch {
      body = undefined;
    }
    const first = body?.errors?.[0];
    if (response.status === 401) {
      throw latchError(subject, "the control plane rejected the API key: check latch:apiKey", {
        code: first?.extensions?.code ?? "UNAUTHENTICATED",
        status: 401,
      });
    }
    if (first && (body?.data === undefined || body.data === null || !response.ok)) {
      throw latchError(subject, first.message, {
        code: first.extensions?.code ?? "GRAPHQL_ERROR",
        status: response.status,
      });
    }
    if (!response.ok || !body?.data) {
      throw latchError(subject, `the control plane answered HTTP ${response.status}`, {
        code: `HTTP_${response.status}`,
        status: response.status,
      });
    }
    if (first) {
      // A partial answer: a field failed (FORBIDDEN for a key without the scope, for example).
      throw latchError(subject, first.message, {
        code: first.extensions?.code ?? "GRAPHQL_ERROR",
        status: response.status,
      });
    }
    return body.data as T;
  }
}

/** The typed errors every mutation's result union may hold; selected with `...MutationErrors`. */
export const MUTATION_ERRORS = `
fragment MutationErrors on Error { __typename message code ... on ValidationError { field } ... on ConflictError { field } }`;

type MaybeError = { __typename?: string; message?: string; code?: string; field?: string | null };

const ERROR_TYPENAMES = ["ValidationError", "NotFoundError", "ConflictError", "ForbiddenError"];

/** A mutation's payload, or the LatchError its typed error stands for. */
export function payloadOf<T>(result: unknown, subject: ErrorSubject): T {
  const value = result as MaybeError | null | undefined;
  if (!value) throw latchError(subject, "the control plane returned no result", { code: "EMPTY_RESULT" });
  if (value.__typename && ERROR_TYPENAMES.includes(value.__typename)) {
    throw latchError(subject, value.message ?? value.__typename, {
      code: value.code ?? value.__typename,
      property: value.field ?? null,
    });
  }
  return result as T;
}

/** True for the error a mutation answers when the object is already gone. */
export function isNotFound(error: unknown): boolean {
  return isLatchError(error) && error.code === "NOT_FOUND";
}
