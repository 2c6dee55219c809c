import path from "node:path";
import { z } from "zod";

/** Validated settings of one Latch process. The only module that reads the environment. */
export type Config = {
  readonly port: number;
  readonly host: string;
  /** The issuer: every URL Latch hands out is built on it, without a trailing slash. */
  readonly publicUrl: string;
  /**
   * Whether cookies are `Secure` and carry the `__Host-` prefix: when PUBLIC_URL is https. The one place that
   * decides it, for the session, CSRF and upstream-binding cookies alike.
   */
  readonly secureCookies: boolean;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly masterKey: string | undefined;
  readonly logLevel: LogLevel;
  readonly production: boolean;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  /** Whether GraphQL answers schema introspection: always outside production, opt-in in production. */
  readonly graphqlIntrospection: boolean;
  /** Age in days after which the signing key rotates by itself; 0 turns the schedule off. */
  readonly signingKeyRotationDays: number;
  /**
   * Whether webhooks may be delivered to loopback, private, link-local or metadata addresses (and over plain http).
   * Off by default: such URLs are refused at delivery time, on the address they resolve to (SSRF).
   */
  readonly allowPrivateWebhooks: boolean;
  /** Days after which Events and delivery attempts are deleted by the daily cleanup; 0 keeps them forever. */
  readonly eventRetentionDays: number;
  /** A webhook is disabled after this many events in a row failed every retry (a 410 disables it at once). */
  readonly webhookDisableAfterFailures: number;
  /** Whether this process runs the webhook worker (dispatcher and deliveries) beside the HTTP server. */
  readonly runWorker: boolean;
  /**
   * Whether a verified email from an org-configured provider (an `oidc` issuer, or any provider whose endpoints were
   * overridden) counts as verified, to link an existing account by email. Off by default: users are shared by every
   * organization, and an organization's admin controls what such a provider asserts.
   */
  readonly trustCustomProviderEmails: boolean;
  /** Reverse proxies in front of Latch whose X-Forwarded-For entries are believed (0: the socket address only). */
  readonly trustedProxyHops: number;
  /** When set, `GET /metrics` answers only `Authorization: Bearer <this>`; unset, it answers anyone who reaches it. */
  readonly metricsToken: string | undefined;
  /**
   * PostgreSQL's `statement_timeout` for every connection of the pool, in ms (0: none); a statement with no answer
   * a second later (a hung server or network) is abandoned and its connection closed. Requests then answer 503.
   */
  readonly databaseStatementTimeoutMs: number;
  /** How long a request waits to open a database connection or to get one from the full pool, in ms. */
  readonly databaseConnectTimeoutMs: number;
  /**
   * Where mail is sent (`smtp://user:pass@host:587`, `smtps://…:465`); unset, outside production messages are kept
   * in memory and listed at `/dev/mail`, and in production they are not sent (a warning is logged for each).
   */
  readonly smtpUrl: string | undefined;
  /** The From of every message Latch sends, e.g. `Latch <no-reply@example.com>`. */
  readonly mailFrom: string;
  /** How long a browser session lasts: unused (idle) and at most (absolute), from LATCH_SESSION_*_TIMEOUT. */
  readonly sessionPolicy: SessionPolicy;
  /**
   * LATCH_CORS_ORIGINS: origins besides PUBLIC_URL's whose pages may call the control plane with the session cookie
   * (exact `scheme://host[:port]`, no wildcard). Any other origin gets bearer-only CORS, and its cookie is refused.
   */
  readonly corsOrigins: readonly string[];
  /**
   * LATCH_SIGN_UP: whether a person may create an account when no app's authorization is under way (the console's
   * sign-in), to then create workspaces of their own. Inside an authorization the app's organization decides.
   */
  readonly openSignUp: boolean;
};

/**
 * The lifetime of a browser session: it ends after `idleTimeoutMs` without a request, and `absoluteTimeoutMs` after
 * sign-in whatever happens (a stolen cookie stops working by then). Idle is never longer than absolute.
 */
export type SessionPolicy = { readonly idleTimeoutMs: number; readonly absoluteTimeoutMs: number };

/** 7 days idle, 30 days at most (OWASP session management: bounded, and renewed only by signing in again). */
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 7 * 24 * 60 * 60_000,
  absoluteTimeoutMs: 30 * 24 * 60 * 60_000,
};

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A start-up setting is missing or malformed; `message` is one line that names the variable. */
export class ConfigError extends Error {
  readonly code = "ERR_CONFIG_INVALID";
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: "must be an absolute http(s) URL",
  })
  .refine((value) => !new URL(value).search && !new URL(value).hash, {
    message: "must not have a query or fragment",
  });

const postgresUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
    message: "must be a postgres:// or postgresql:// URL",
  });

const smtpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol) && new URL(value).hostname, {
    message: "must be an smtp:// or smtps:// URL with a host",
  });

const DURATION_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_SESSION_MS = 365 * 86_400_000;

/** A duration: a whole number with a unit (`45s`, `30m`, `12h`, `7d`) or bare seconds; at least 1 s, at most a year. */
const duration = z
  .string()
  .regex(/^\d{1,9}[smhd]?$/, "must be a whole number of seconds, or one with a unit: 45s, 30m, 12h, 7d")
  .transform((value) => {
    const unit = /[smhd]$/.test(value) ? value.slice(-1) : "s";
    return Number.parseInt(value, 10) * DURATION_UNITS_MS[unit]!;
  })
  .refine((ms) => ms >= 1000 && ms <= MAX_SESSION_MS, { message: "must be between 1 second and 365 days" });
/** One exact origin, as `new URL(origin).origin` writes it: http(s), a host, an optional port, nothing after. */
function isExactOrigin(value: string): boolean {
  if (value.includes("*") || !URL.canParse(value)) return false;
  return /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value;
}

/** A comma-separated list of exact origins (blanks around commas ignored); `*` and URLs with a path are refused. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
  )
  .refine((origins) => origins.every(isExactOrigin), {
    message: "must be comma-separated exact origins like https://app.example.com (no wildcard, path or trailing slash)",
  });

const schema = z.object({
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be an integer").min(0).max(65535).default(4000),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default("0.0.0.0")),
  PUBLIC_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  LATCH_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(".latch")),
  LATCH_MASTER_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().optional()),
  LATCH_ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email({ message: "must be an email address" }).optional()),
  LATCH_GRAPHQL_INTROSPECTION: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { message: "must be true or false" }).optional(),
  ),
  LATCH_SIGNING_KEY_ROTATION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be a whole number of days").min(0).max(3650).default(90),
  ),
  LATCH_ALLOW_PRIVATE_WEBHOOKS: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { message: "must be true or false" }).default("false"),
  ),
  LATCH_EVENT_RETENTION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: "must be a number" })
      .int("must be a whole number of days")
      .min(0)
      .max(36500)
      .default(90),
  ),
  LATCH_WEBHOOK_DISABLE_AFTER_FAILURES: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(10000).default(5),
  ),
  LATCH_TRUSTED_PROXY_HOPS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).max(10).default(0),
  ),
  LATCH_TRUST_CUSTOM_PROVIDER_EMAILS: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { message: "must be true or false" }).default("false"),
  ),
  LATCH_RUN_WORKER: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
  ),
  LATCH_ADMIN_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(12, "must be at least 12 characters").max(1024).optional(),
  ),
  LATCH_DB_STATEMENT_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).max(600_000).default(5000),
  ),
  LATCH_DB_CONNECT_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(100).max(600_000).default(3000),
  ),
  LATCH_METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, "must be at least 16 characters").max(1024).optional(),
  ),
  LATCH_SMTP_URL: z.preprocess(emptyToUndefined, smtpUrl.optional()),
  LATCH_SESSION_IDLE_TIMEOUT: z.preprocess(emptyToUndefined, duration.optional()),
  LATCH_SESSION_ABSOLUTE_TIMEOUT: z.preprocess(emptyToUndefined, duration.optional()),
  LATCH_CORS_ORIGINS: z.preprocess(emptyToUndefined, originList.optional()),
  LATCH_SIGN_UP: z.preprocess(
    emptyToUndefined,
    z.enum(["open", "closed"], { message: "must be open or closed" }).optional(),
  ),
  LATCH_MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .max(320)
      .regex(/^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "must be an address or `Name <address>`")
      .optional(),
  ),
});

/** Secret-bearing variables: their values never appear in an error message. */
const SECRET_VARIABLES = new Set([
  "DATABASE_URL",
  "LATCH_MASTER_KEY",
  "LATCH_ADMIN_PASSWORD",
  "LATCH_METRICS_TOKEN",
  "LATCH_SMTP_URL",
]);

/**
 * Reads and validates the settings from `env`.
 * @throws ConfigError naming the first variable that is wrong, without echoing secret values.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const raw = env[variable];
    const shown = raw !== undefined && !SECRET_VARIABLES.has(variable) ? ` (got ${JSON.stringify(raw)})` : "";
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.LATCH_MASTER_KEY) {
    // Without a stable master key every encrypted secret in a shared database becomes unreadable on restart.
    throw new ConfigError(
      "LATCH_MASTER_KEY",
      "is required when DATABASE_URL is set (32 random bytes, base64: `openssl rand -base64 32`)",
    );
  }
  const sessionPolicy: SessionPolicy = {
    idleTimeoutMs: e.LATCH_SESSION_IDLE_TIMEOUT ?? DEFAULT_SESSION_POLICY.idleTimeoutMs,
    absoluteTimeoutMs: e.LATCH_SESSION_ABSOLUTE_TIMEOUT ?? DEFAULT_SESSION_POLICY.absoluteTimeoutMs,
  };
  if (sessionPolicy.idleTimeoutMs > sessionPolicy.absoluteTimeoutMs) {
    // Checked on the pair: an idle timeout alone, shorter than the default absolute one, is fine.
    throw new ConfigError(
      e.LATCH_SESSION_IDLE_TIMEOUT ? "LATCH_SESSION_IDLE_TIMEOUT" : "LATCH_SESSION_ABSOLUTE_TIMEOUT",
      "makes the idle timeout longer than the absolute one (LATCH_SESSION_ABSOLUTE_TIMEOUT)",
    );
  }
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, "");
  return {
    port,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith("https:"),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.LATCH_DATA_DIR),
    masterKey: e.LATCH_MASTER_KEY,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === "production",
    adminEmail: e.LATCH_ADMIN_EMAIL,
    adminPassword: e.LATCH_ADMIN_PASSWORD,
    signingKeyRotationDays: e.LATCH_SIGNING_KEY_ROTATION_DAYS,
    allowPrivateWebhooks: e.LATCH_ALLOW_PRIVATE_WEBHOOKS === "true",
    eventRetentionDays: e.LATCH_EVENT_RETENTION_DAYS,
    webhookDisableAfterFailures: e.LATCH_WEBHOOK_DISABLE_AFTER_FAILURES,
    runWorker: e.LATCH_RUN_WORKER === "true",
    trustCustomProviderEmails: e.LATCH_TRUST_CUSTOM_PROVIDER_EMAILS === "true",
    trustedProxyHops: e.LATCH_TRUSTED_PROXY_HOPS,
    metricsToken: e.LATCH_METRICS_TOKEN,
    databaseStatementTimeoutMs: e.LATCH_DB_STATEMENT_TIMEOUT_MS,
    databaseConnectTimeoutMs: e.LATCH_DB_CONNECT_TIMEOUT_MS,
    smtpUrl: e.LATCH_SMTP_URL,
    mailFrom: e.LATCH_MAIL_FROM ?? `Latch <no-reply@${new URL(publicUrl).hostname}>`,
    sessionPolicy,
    corsOrigins: [...new Set(e.LATCH_CORS_ORIGINS ?? [])],
    // Open by default outside production, so `npm start` alone lets a newcomer sign up; closed in production.
    openSignUp: (e.LATCH_SIGN_UP ?? (e.NODE_ENV === "production" ? "closed" : "open")) === "open",
    graphqlIntrospection: e.LATCH_GRAPHQL_INTROSPECTION
      ? e.LATCH_GRAPHQL_INTROSPECTION === "true"
      : e.NODE_ENV !== "production",
  };
}
