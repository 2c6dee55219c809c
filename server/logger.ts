import { type Logger, pino } from "pino";
import type { LogLevel } from "./config.ts";

export type { Logger };

/**
 * Paths whose values never reach a log line. Wildcards cover nested objects, since services log
 * request bodies and upstream responses that may carry any of these.
 */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "*.clientSecret",
  "*.client_secret",
  "*.token",
  "*.accessToken",
  "*.access_token",
  "*.refreshToken",
  "*.refresh_token",
  "*.code",
  "*.code_verifier",
  "*.apiKey",
  "*.masterKey",
  "*.databaseUrl",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

/** Structured JSON logs on stdout (or `destination`), with secrets redacted. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "latch" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
