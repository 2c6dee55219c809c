import { randomBytes } from "node:crypto";
import type { MikroORM } from "@mikro-orm/postgresql";
import { Membership, Organization } from "../../server/db/entities/index.ts";
import {
  type CreateApplicationInput,
  createApplication,
} from "../../server/services/applications/create-application.ts";
import { createUser as createUserAccount } from "../../server/services/users/create-user.ts";
import { hiddenField, location, type UserAgent } from "./user-agent.ts";

export const PASSWORD = "correct horse battery staple";

export type TestUser = { id: string; email: string; password: string };
export type TestApp = { id: string; clientId: string; clientSecret: string | undefined; organizationId: string };

/** A user with a password (through the create-user service), member (owner by default) of a fresh organization. */
export async function createUser(
  orm: MikroORM,
  options: { role?: "owner" | "admin" | "member"; orgName?: string } = {},
) {
  const em = orm.em.fork();
  const suffix = randomBytes(4).toString("hex");
  const email = `user-${suffix}@example.com`;
  const now = new Date();
  const organization = em.create(Organization, {
    name: options.orgName ?? `Workspace ${suffix}`,
    slug: `ws-${suffix}`,
    createdAt: now,
    updatedAt: now,
  });
  const user = await createUserAccount(
    em,
    { email, password: PASSWORD, displayName: `User ${suffix}`, emailVerified: true, actor: { type: "system" } },
    now,
  );
  em.create(Membership, { user, organization, role: options.role ?? "owner", createdAt: now });
  await em.flush();
  return { user: { id: user.id, email, password: PASSWORD } as TestUser, organizationId: organization.id };
}

/** The redirect URI every test app registers unless a test gives its own. */
export const REDIRECT = "http://127.0.0.1:8787/callback";

/** An OAuth app registered through the same service the control plane uses. */
export async function createApp(
  orm: MikroORM,
  organizationId: string,
  input: Partial<Omit<CreateApplicationInput, "organizationId" | "actor">> = {},
): Promise<TestApp> {
  const { application, clientSecret } = await createApplication(
    orm.em.fork(),
    {
      name: `App ${randomBytes(4).toString("hex")}`,
      type: "confidential",
      redirectUris: [REDIRECT],
      allowedScopes: ["openid", "profile", "email", "identify", "guilds", "offline_access", "all"],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      ...input,
      organizationId,
      actor: { type: "system" },
    },
    new Date(),
  );
  return { id: application.id, clientId: application.clientId, clientSecret, organizationId };
}

/** Signs in through the real login form (GET for the CSRF token, then POST). */
export async function signIn(agent: UserAgent, user: TestUser, returnTo = "/account/connections"): Promise<Response> {
  const page = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
  const csrf = hiddenField(await page.text(), "csrf_token");
  return agent.post("/login", { email: user.email, password: user.password, csrf_token: csrf, return_to: returnTo });
}

/**
 * Runs the browser half of the authorization code flow as a user agent: authorize → (login) → consent → Authorize.
 * Returns the final redirect to the client.
 */
export async function authorizeInBrowser(
  agent: UserAgent,
  user: TestUser,
  authorizeUrl: string,
  options: { decision?: "allow" | "deny"; workspace?: string } = {},
): Promise<URL> {
  let response = await agent.get(authorizeUrl);
  if (response.status === 302 && location(response).startsWith("/login")) {
    const returnTo = new URL(location(response), agent.base).searchParams.get("return_to")!;
    const login = await signIn(agent, user, returnTo);
    if (login.status !== 303) throw new Error(`login failed with ${login.status}`);
    response = await agent.get(location(login));
  }
  if (response.status === 302 || response.status === 303) return new URL(location(response), agent.base);
  if (response.status !== 200) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  const html = await response.text();
  const form: Record<string, string> = {
    request_id: hiddenField(html, "request_id"),
    csrf_token: hiddenField(html, "csrf_token"),
    decision: options.decision ?? "allow",
  };
  if (options.workspace) form.workspace = options.workspace;
  const decided = await agent.post("/oauth2/authorize/decision", form);
  if (decided.status !== 303) throw new Error(`decision answered ${decided.status}: ${await decided.text()}`);
  return new URL(location(decided), agent.base);
}
