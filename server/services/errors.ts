/**
 * Use-case errors, shared by every face: GraphQL maps them to its typed error union, the CLI prints them,
 * routes turn them into the protocol's format. `code` is stable; `message` is precise and never holds a secret.
 */
export class ServiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An input is malformed; `field` names it as the caller spelled it. */
export class ValidationError extends ServiceError {
  readonly field: string;
  constructor(field: string, message: string) {
    super("VALIDATION_FAILED", message);
    this.field = field;
  }
}

export class NotFoundError extends ServiceError {
  readonly resource: string;
  constructor(resource: string, message = `${resource} not found`) {
    super("NOT_FOUND", message);
    this.resource = resource;
  }
}

export class ConflictError extends ServiceError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super("CONFLICT", message);
    this.field = field;
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message = "You are not allowed to do this") {
    super("FORBIDDEN", message);
  }
}

/** Too many of one action in a short time (resending an invitation); try again after `retryAfterSeconds`. */
export class RateLimitedError extends ServiceError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super("RATE_LIMITED", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
