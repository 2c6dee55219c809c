import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  type ServiceError,
  ValidationError,
} from "../../services/errors.ts";
import { builder } from "../builder.ts";

/** Every typed error of a mutation payload implements this, so clients can always select `message` and `code`. */
export const ErrorInterface = builder.interfaceRef<ServiceError>("Error").implement({
  description: "An expected failure: the operation changed nothing.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "A precise, human-readable explanation." }),
    code: t.exposeString("code", { description: "A stable machine-readable code." }),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "An input was malformed.",
  interfaces: [ErrorInterface],
  // Nullable like ConflictError.field, so one selection set can ask both for `field`.
  fields: (t) => ({
    field: t.exposeString("field", { nullable: true, description: "The input field that is wrong." }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "The object does not exist, or is not visible to the caller.",
  interfaces: [ErrorInterface],
  fields: (t) => ({ resource: t.exposeString("resource", { description: "The kind of object that was not found." }) }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "The change collides with existing state, such as a duplicate name or redirect URI.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field", { nullable: true, description: "The input field that collides." }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "The caller's credential or role does not allow this.",
  interfaces: [ErrorInterface],
});

builder.objectType(RateLimitedError, {
  name: "RateLimitedError",
  description: "Too many of this action in a short time (such as resending an invitation); nothing changed.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { description: "Seconds until it may be tried again." }),
  }),
});
