import type { EntityManager } from "@mikro-orm/postgresql";
import { Application, Organization, type SignUpPolicy } from "../../db/entities/index.ts";

/**
 * Who may create an account while authorizing the active app with `clientId`: its organization's `signUpPolicy`.
 * With no authorization under way (`clientId` null: the console's sign-in) the installation decides (`openSignUp`,
 * LATCH_SIGN_UP), and the account joins no organization: its owner creates workspaces of their own. An unknown or
 * inactive client admits no one.
 */
export async function signUpPolicyFor(
  em: EntityManager,
  clientId: string | null,
  openSignUp: boolean,
): Promise<{ readonly policy: SignUpPolicy; readonly organizationId: string | null }> {
  if (clientId === null) return openSignUp ? OPEN_OUTSIDE_APPS : CLOSED;
  if (!clientId || clientId.length > 200 || clientId.includes("\0")) return CLOSED;
  const app = await em.findOne(Application, { clientId, isActive: true }, { populate: ["organization"] });
  if (!app) return CLOSED;
  return { policy: app.organization.getEntity().signUpPolicy, organizationId: app.organization.id };
}

const CLOSED = { policy: "CLOSED", organizationId: null } as const;
const OPEN_OUTSIDE_APPS = { policy: "OPEN", organizationId: null } as const;

/**
 * Whether `user` must verify their address before consenting to (or being issued codes for) an app of
 * `organizationId`: the organization requires it and the address is not verified yet.
 */
export async function mustVerifyEmailFor(
  em: EntityManager,
  organizationId: string,
  user: { readonly emailVerified: boolean },
): Promise<boolean> {
  if (user.emailVerified) return false;
  const organization = await em.findOne(Organization, { id: organizationId }, { fields: ["requireVerifiedEmail"] });
  return organization?.requireVerifiedEmail === true;
}
