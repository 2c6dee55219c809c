import type { UpstreamErrorCode } from "../../connections/upstream-error.ts";

/** Why a connection attempt ended without a connection: the `reason` of a `connection.failed` Event. */
export type ConnectionFailureReason =
  | UpstreamErrorCode
  /** The callback came from a session other than the one of the user who started the flow (or from none). */
  | "wrong_user"
  /** The integration was deleted, or changed to another grant type, while the popup was open. */
  | "integration_unavailable";

/**
 * A connection attempt that failed: a stable `reason`, the upstream's own `error` code when it sent one, and a
 * message safe to log (it names what failed, never a token, a code or a secret). Nothing was stored.
 */
export class ConnectionFailure extends Error {
  readonly reason: ConnectionFailureReason;
  readonly upstreamError: string | undefined;
  constructor(
    reason: ConnectionFailureReason,
    message: string,
    options: { upstreamError?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectionFailure";
    this.reason = reason;
    this.upstreamError = options.upstreamError;
  }
}
