import type { EntityManager } from "@mikro-orm/postgresql";
import {
  type ConnectionSignInContext,
  loadConnectionSignInContext,
} from "../integrations/load-connection-sign-in-context.ts";
import { loadSignInContext, type SignInContext } from "../oauth/load-sign-in-context.ts";
import { signUpPolicyFor } from "../users/sign-up-policy.ts";

/** What a sign-in continues, read from its `return_to` by the face: an authorization request, a connection, or neither. */
export type LoginPageTarget =
  | { readonly kind: "authorization"; readonly clientId: string }
  | { readonly kind: "connection"; readonly integrationId: string }
  | { readonly kind: "console" };

/**
 * What the login page offers: for an active app's authorization request, its sign-in context (branding, identity
 * providers, redirect URIs) and whether its organization lets people sign up; for seed 004's Connect popup, where the
 * popup is about to go; for the console's own sign-in, the installation's `LATCH_SIGN_UP`. `unknown`: the client or
 * the integration does not exist (or is not active), and the page offers nothing of it.
 */
export type LoginPageContext =
  | { readonly kind: "authorization"; readonly signIn: SignInContext; readonly signUpOpen: boolean }
  | { readonly kind: "connection"; readonly connection: ConnectionSignInContext }
  | { readonly kind: "console"; readonly signUpOpen: boolean }
  | { readonly kind: "unknown" };

export async function loadLoginPageContext(
  em: EntityManager,
  target: LoginPageTarget,
  openSignUp: boolean,
): Promise<LoginPageContext> {
  switch (target.kind) {
    case "console":
      return { kind: "console", signUpOpen: openSignUp };
    case "connection": {
      const connection = await loadConnectionSignInContext(em, target.integrationId);
      return connection ? { kind: "connection", connection } : { kind: "unknown" };
    }
    case "authorization": {
      const signIn = await loadSignInContext(em, target.clientId);
      if (!signIn) return { kind: "unknown" };
      const { policy } = await signUpPolicyFor(em, target.clientId, openSignUp);
      return { kind: "authorization", signIn, signUpOpen: policy === "OPEN" };
    }
  }
}
