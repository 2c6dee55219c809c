import type { EntityManager } from "@mikro-orm/postgresql";
import { hashPassword } from "../../crypto/password.ts";
import { User } from "../../db/entities/index.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { recordEvent } from "../record-event.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { passwordProblem } from "./password-policy.ts";

export type CreateUserInput = {
  readonly email: string;
  readonly password: string;
  readonly displayName?: string;
  /** True only where the address was proven some other way (the operator's own first-run address, fixtures). */
  readonly emailVerified?: boolean;
  /** The organization the `user.created` Event is filed under, when there is one. */
  readonly organizationId?: string | null;
  /** The role the account joins that organization with, for the Event's payload. */
  readonly role?: string;
  readonly actor: { readonly type: "system" | "user" | "api_key"; readonly id?: string | null };
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 320;
const MAX_DISPLAY_NAME_LENGTH = 200;

/** The problem with `email` as a new account's address, or null. */
export function emailProblem(email: string): string | null {
  const trimmed = email.trim();
  if (trimmed === "") return "Enter your email address.";
  if (trimmed.length > MAX_EMAIL_LENGTH || !EMAIL.test(trimmed) || trimmed.includes("\0")) {
    return "Enter an email address like name@example.com.";
  }
  return null;
}

/**
 * Creates a user with a password: checks the address and the password policy ({@link passwordProblem}), hashes it
 * with argon2id and adds the user and its `user.created` Event to `em`'s unit of work (the caller flushes, inside its
 * transaction, with whatever else the account comes with: a membership, a verification link). Used by the first-run
 * bootstrap, sign-up, invitations and the test fixtures, so every password-holding account passes the same rules.
 *
 * @throws {ValidationError} `email` or `password` with a sentence a person can act on.
 * @throws {ConflictError} `email` when an account has this address (sign-up hides it from the person; see sign-up).
 */
export async function createUser(em: EntityManager, input: CreateUserInput, now: Date): Promise<User> {
  const email = input.email.trim();
  const badEmail = emailProblem(email);
  if (badEmail) throw new ValidationError("email", badEmail);
  const badPassword = passwordProblem(input.password, { email });
  if (badPassword) throw new ValidationError("password", badPassword);
  const emailNormalized = normalizeEmail(email);
  if ((await em.count(User, { emailNormalized })) > 0) {
    throw new ConflictError("An account with this email already exists", "email");
  }
  const displayName = (input.displayName?.trim() || email.split("@")[0]!).slice(0, MAX_DISPLAY_NAME_LENGTH);
  const user = em.create(User, {
    email,
    emailNormalized,
    emailVerified: input.emailVerified ?? false,
    displayName,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
  });
  recordEvent(
    em,
    {
      type: "user.created",
      organizationId: input.organizationId ?? null,
      subjectType: "user",
      subjectId: user.id,
      actor: input.actor,
      payload: { email, ...(input.role !== undefined && { role: input.role }) },
    },
    now,
  );
  return user;
}
