import type { ConnectionStatus } from "../../db/entities/index.ts";

/**
 * A user connection cannot give a token now: it does not exist, it needs the user to connect again
 * (`needs_reauth`), or it was disconnected (`revoked`). A transient upstream failure is an UpstreamError instead.
 */
export class ConnectionUnavailableError extends Error {
  readonly code = "connection_unavailable";
  readonly status: ConnectionStatus | "not_found";
  constructor(status: ConnectionStatus | "not_found") {
    super(
      status === "not_found"
        ? "no such connection"
        : status === "needs_reauth"
          ? "the connection must be authorized again"
          : "the connection was disconnected",
    );
    this.name = "ConnectionUnavailableError";
    this.status = status;
  }
}
