import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { hashPassword, MAX_PASSWORD_LENGTH } from "../../crypto/password.ts";
import type { SignUpPolicy } from "../../db/entities/index.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { signUpExistingAccountMessage } from "../mail/sign-up-messages.ts";
import { normalizeEmail } from "../sessions/login-with-password.ts";
import { findUserByEmail } from "./account-links.ts";
import { createUser, emailProblem } from "./create-user.ts";
import { passwordProblem } from "./password-policy.ts";
import { displayNameProblem } from "./profile-rules.ts";
import { type AccountMailDeps, issueVerificationLink, mailVerificationLink } from "./send-verification-email.ts";
import { signUpPolicyFor } from "./sign-up-policy.ts";

export type SignUpInput = {
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
  /** The app whose authorization request the person is signing up to continue: its organization decides. */
  readonly clientId: string | null;
  /** Whether sign-up is open when `clientId` is null (LATCH_SIGN_UP). */
  readonly openSignUp: boolean;
  /** Where verifying continues (a path checked by `safeReturnTo`), carried in the verification link. */
  readonly returnTo: string | null;
};

export type SignUpField = "email" | "display_name" | "password";

export type SignUpResult =
  /** Answered the same whether an account was created or one already had the address. */
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: "closed"; readonly policy: SignUpPolicy }
  | { readonly ok: false; readonly problem: "invalid"; readonly field: SignUpField; readonly message: string };

/** The first problem with a sign-up form's fields, in the order the page shows them, or null. */
export function signUpFieldProblem(
  input: Pick<SignUpInput, "email" | "displayName" | "password">,
): { readonly field: SignUpField; readonly message: string } | null {
  const email = emailProblem(input.email);
  if (email) return { field: "email", message: email };
  const name = displayNameProblem(input.displayName);
  if (name) return { field: "display_name", message: name };
  const password = passwordProblem(input.password, { email: input.email });
  if (password) return { field: "password", message: password };
  return null;
}

/**
 * Sign-up through an app whose organization's `signUpPolicy` is OPEN: creates an unverified account through
 * {@link createUser} (NIST 800-63B password policy, argon2id) and mails a verification link that signs the person
 * in and continues their authorization. When an account already has the address nothing is created and its owner is
 * mailed a "you already have an account" message instead; the answer is the same `{ ok: true }`, after the same
 * argon2 work, so the page tells no one which addresses have accounts. Mail goes after the answer either way.
 */
export async function signUp(
  em: EntityManager,
  deps: AccountMailDeps,
  input: SignUpInput,
  now: Date,
): Promise<SignUpResult> {
  const { policy, organizationId } = await signUpPolicyFor(em, input.clientId, input.openSignUp);
  if (policy !== "OPEN") return { ok: false, problem: "closed", policy };
  const email = input.email.trim();
  const problem = signUpFieldProblem({ ...input, email });
  if (problem) return { ok: false, problem: "invalid", ...problem };
  const existing = await findUserByEmail(em, normalizeEmail(email));
  if (existing) {
    await sameWorkAsCreating(input.password);
    mailExistingOwner(deps, existing.email, input.returnTo);
    return { ok: true };
  }
  let link: string;
  try {
    link = await em.transactional(async (tx) => {
      const user = await createUser(
        tx,
        {
          email,
          password: input.password,
          displayName: input.displayName,
          organizationId,
          actor: { type: "system" },
        },
        now,
      );
      const issued = issueVerificationLink(tx, deps.publicUrl, { user, returnTo: input.returnTo }, now);
      await tx.flush();
      return issued;
    });
  } catch (error) {
    // Another sign-up (or an email change) took the address between the look-up and the insert: same answer.
    if (error instanceof UniqueConstraintViolationException || error instanceof ConflictError) {
      mailExistingOwner(deps, email, input.returnTo);
      return { ok: true };
    }
    if (error instanceof ValidationError)
      return { ok: false, problem: "invalid", field: "email", message: error.message };
    throw error;
  }
  mailVerificationLink(deps, email, link);
  return { ok: true };
}

async function sameWorkAsCreating(password: string): Promise<void> {
  if (password.length <= MAX_PASSWORD_LENGTH) await hashPassword(password);
}

function mailExistingOwner(deps: AccountMailDeps, to: string, returnTo: string | null): void {
  const signIn = new URL("/login", deps.publicUrl);
  if (returnTo) signIn.searchParams.set("return_to", returnTo);
  void deps.mailer
    .send(
      signUpExistingAccountMessage({
        to,
        signInUrl: signIn.toString(),
        resetUrl: `${deps.publicUrl}/forgot-password`,
      }),
    )
    .catch((error: unknown) =>
      deps.logger.warn({ err: error, mail: "sign_up_existing_account" }, "mail could not be sent"),
    );
}
