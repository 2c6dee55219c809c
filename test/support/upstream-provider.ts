/**
 * A third-party OAuth/OIDC server for tests: a real node-oidc-provider on loopback, standing in for "GitHub", an OIDC
 * identity provider, or an integration's token service (no network exists beyond this machine). It adds what the
 * stand-in needs beyond OIDC:
 * - a GitHub-shaped API (`GET /user`, `GET /user/emails`) authenticated by the access tokens it issued;
 * - the `password` grant (RFC 6749 §4.3), issuing client-credentials-style tokens;
 * - interactions that sign the configured account in at once (`interaction: "auto"`) or through a small form a
 *   browser fills (`"form"`);
 * - counters of token, revocation and API requests, and switches that make the token endpoint fail.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import type { ParameterizedContext } from "koa";
import Provider, { type ClientMetadata, errors } from "oidc-provider";

type KoaContext = ParameterizedContext;

export type UpstreamAccount = {
  readonly sub: string;
  readonly email: string;
  readonly emailVerified?: boolean;
  readonly name?: string;
  /** GitHub's numeric id and login (`/user`). */
  readonly githubId?: number;
  readonly login?: string;
};

export type UpstreamClient = {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris?: readonly string[];
  readonly grantTypes?: readonly string[];
};

/** What the token endpoint answers instead of running the grant, until cleared. */
export type TokenFailure =
  | { readonly kind: "html" }
  | {
      readonly kind: "oauth_error";
      readonly error: string;
      readonly status?: number;
      /** A `WWW-Authenticate` header to send with it, as servers do with 401 invalid_client (RFC 6749 §5.2). */
      readonly challenge?: string;
    }
  | { readonly kind: "slow"; readonly ms: number };

export type UpstreamOptions = {
  readonly clients: readonly UpstreamClient[];
  /** Accounts the double knows; the first one is the one `"auto"` interactions sign in. */
  readonly accounts?: readonly UpstreamAccount[];
  /** Username → password for the password grant. */
  readonly passwordUsers?: Readonly<Record<string, string>>;
  readonly interaction?: "auto" | "form";
  /** Lifetimes in seconds. */
  readonly accessTokenTtl?: number;
  readonly clientCredentialsTtl?: number;
  readonly refreshTokenTtl?: number;
  /** Scopes the provider accepts beyond openid/offline_access/email/profile. */
  readonly extraScopes?: readonly string[];
  /**
   * The host name in its issuer (it listens on 127.0.0.1 either way): `localhost` makes it another site than Latch
   * at 127.0.0.1, as a real provider is, so a browser applies SameSite rules between the two.
   */
  readonly host?: "127.0.0.1" | "localhost";
  /**
   * Maps the client secret a token request presents (in the body or Basic) to the one its client is registered
   * with, or null to refuse it with invalid_client: lets the double check a signed secret (Sign in with Apple's).
   */
  readonly acceptClientSecret?: (presented: string, clientId: string) => Promise<string | null>;
};

export type UpstreamProvider = {
  readonly issuer: string;
  readonly provider: Provider;
  /** Token endpoint requests by grant_type (counted before the grant runs, failures included). */
  readonly tokenRequests: Map<string, number>;
  /** Tokens presented to the revocation endpoint. */
  readonly revocations: string[];
  /** Requests to `/user` and `/user/emails`. */
  apiRequests: number;
  /** The account `"auto"` interactions sign in next (defaults to the first of `accounts`). */
  currentAccount: UpstreamAccount;
  tokenFailure: TokenFailure | undefined;
  /** Authorize requests as received (query parameters), newest last. */
  readonly authorizeRequests: URLSearchParams[];
  readonly endpoints: {
    readonly authorization: string;
    readonly token: string;
    readonly userinfo: string;
    readonly revocation: string;
    readonly githubUser: string;
  };
  close(): Promise<void>;
};

const DEFAULT_ACCOUNT: UpstreamAccount = {
  sub: "upstream-user-1",
  email: "octo@example.com",
  emailVerified: true,
  name: "Octo Cat",
  githubId: 4242,
  login: "octocat",
};

/** Asks the upstream itself whether it honours `token` (RFC 7662), as one of its registered clients. */
export async function introspectUpstream(
  upstream: Pick<UpstreamProvider, "issuer">,
  client: Pick<UpstreamClient, "clientId" | "clientSecret">,
  token: string,
): Promise<{ active: boolean; client_id?: string; exp?: number }> {
  const response = await fetch(`${upstream.issuer}/token/introspection`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as { active: boolean };
}

export async function startUpstreamProvider(options: UpstreamOptions): Promise<UpstreamProvider> {
  const accounts = new Map<string, UpstreamAccount>();
  for (const account of options.accounts ?? [DEFAULT_ACCOUNT]) accounts.set(account.sub, account);
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "upstream-es256", alg: "ES256", use: "sig" };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://${options.host ?? "127.0.0.1"}:${(server.address() as AddressInfo).port}`;

  const clients: ClientMetadata[] = options.clients.map((client) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: [...(client.redirectUris ?? [])],
    grant_types: [...(client.grantTypes ?? ["authorization_code", "refresh_token"])],
    response_types: (client.grantTypes ?? ["authorization_code"]).includes("authorization_code") ? ["code"] : [],
    token_endpoint_auth_method: "client_secret_basic",
  }));
  const extraScopes = options.extraScopes ?? ["read:user", "user:email", "repo", "files.read"];
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    clientDefaults: { id_token_signed_response_alg: "ES256" },
    scopes: ["openid", "offline_access", "email", "profile", ...extraScopes],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified ?? true,
          name: account.name ?? id,
        }),
      };
    },
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      ClientCredentials: options.clientCredentialsTtl ?? 3600,
      RefreshToken: options.refreshTokenTtl ?? 86_400,
      AuthorizationCode: 60,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 600,
      IdToken: 3600,
    },
    rotateRefreshToken: true,
    // A refresh token whenever the client may use the grant, not only with offline_access (as GitHub and most APIs).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    pkce: { required: () => true },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Upstream error</title><p>${out.error}: ${out.error_description ?? ""}</p>`;
    },
  });
  provider.proxy = false;

  const double: UpstreamProvider = {
    issuer,
    provider,
    tokenRequests: new Map(),
    revocations: [],
    apiRequests: 0,
    currentAccount: [...accounts.values()][0]!,
    tokenFailure: undefined,
    authorizeRequests: [],
    endpoints: {
      authorization: `${issuer}/auth`,
      token: `${issuer}/token`,
      userinfo: `${issuer}/me`,
      revocation: `${issuer}/token/revocation`,
      githubUser: `${issuer}/user`,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  provider.registerGrantType(
    "password",
    async (ctx) => {
      const params = ctx.oidc.params as { username?: string; password?: string; scope?: string };
      const expected = params.username ? options.passwordUsers?.[params.username] : undefined;
      if (expected === undefined || expected !== params.password) {
        throw new errors.InvalidGrant("invalid resource owner credentials");
      }
      const token = new provider.ClientCredentials({ client: ctx.oidc.client!, scope: params.scope || undefined });
      const value = await token.save();
      ctx.body = { access_token: value, token_type: "Bearer", expires_in: token.expiration, scope: token.scope };
    },
    new Set(["username", "password", "scope"]),
  );

  provider.use(async (ctx, next) => {
    if (ctx.path === "/auth" && ctx.method === "GET")
      double.authorizeRequests.push(new URLSearchParams(ctx.querystring));
    if (ctx.path === "/token" && ctx.method === "POST") {
      const body = await readForm(ctx);
      const grantType = body.get("grant_type") ?? "";
      double.tokenRequests.set(grantType, (double.tokenRequests.get(grantType) ?? 0) + 1);
      const failure = double.tokenFailure;
      if (failure?.kind === "html") {
        ctx.status = 502;
        ctx.type = "html";
        ctx.body = "<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>";
        return;
      }
      if (failure?.kind === "oauth_error") {
        ctx.status = failure.status ?? 400;
        if (failure.challenge) ctx.set("WWW-Authenticate", failure.challenge);
        ctx.body = { error: failure.error, error_description: `forced ${failure.error}` };
        return;
      }
      if (failure?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, failure.ms));
      if (options.acceptClientSecret && !(await acceptClientSecret(ctx, body, options.acceptClientSecret))) {
        ctx.status = 401;
        ctx.body = { error: "invalid_client", error_description: "client secret refused" };
        return;
      }
    }
    if (ctx.path === "/token/revocation" && ctx.method === "POST") {
      const body = await readForm(ctx);
      double.revocations.push(body.get("token") ?? "");
    }
    if (ctx.path.startsWith("/interaction/")) return interaction(ctx);
    if (ctx.path === "/user" || ctx.path === "/user/emails") return githubApi(ctx);
    return next();
  });

  async function interaction(ctx: KoaContext): Promise<void> {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let account = double.currentAccount;
    if ((options.interaction ?? "auto") === "form") {
      if (ctx.method === "GET") {
        ctx.type = "html";
        ctx.body = `<!doctype html><html><head><title>Sign in to Upstream</title></head><body>
<form method="post" action="/interaction/${details.uid}"><label>Username <input name="login" value=""></label>
<button type="submit">Authorize</button></form></body></html>`;
        return;
      }
      const login = (await readForm(ctx)).get("login") ?? "";
      const found = [...accounts.values()].find((a) => a.login === login || a.email === login || a.sub === login);
      if (!found) {
        ctx.status = 400;
        ctx.body = "unknown account";
        return;
      }
      account = found;
    }
    const params = details.params as { client_id: string; scope?: string };
    const grant = new provider.Grant({ accountId: account.sub, clientId: params.client_id });
    if (params.scope) grant.addOIDCScope(params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: account.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
  }

  async function githubApi(ctx: KoaContext): Promise<void> {
    double.apiRequests++;
    const bearer = /^Bearer (.+)$/i.exec(ctx.get("authorization"))?.[1];
    const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
    const account = token?.accountId ? accounts.get(token.accountId) : undefined;
    if (!token || token.isExpired || !account) {
      ctx.status = 401;
      ctx.body = { message: "Bad credentials" };
      return;
    }
    ctx.body =
      ctx.path === "/user"
        ? { id: account.githubId ?? 1, login: account.login ?? account.sub, name: account.name ?? null, email: null }
        : [{ email: account.email, primary: true, verified: account.emailVerified ?? true, visibility: null }];
  }

  server.on("request", provider.callback());
  return double;
}

/** Reads a urlencoded body once and leaves it where oidc-provider's own body parser finds it. */
/** Runs `accept` on the presented secret and puts what it answers where the secret was; false when it refuses. */
async function acceptClientSecret(
  ctx: KoaContext,
  body: URLSearchParams,
  accept: NonNullable<UpstreamOptions["acceptClientSecret"]>,
): Promise<boolean> {
  const holder = ctx.req as http.IncomingMessage & { body?: Record<string, string>; __raw?: string };
  const basic = /^Basic (.+)$/.exec(ctx.get("authorization"))?.[1];
  if (basic) {
    const [id = "", secret = ""] = Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent);
    const real = await accept(secret, id);
    if (real === null) return false;
    ctx.req.headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(real)}`).toString("base64")}`;
    return true;
  }
  const presented = body.get("client_secret");
  if (presented === null) return true;
  const real = await accept(presented, body.get("client_id") ?? "");
  if (real === null) return false;
  body.set("client_secret", real);
  holder.__raw = body.toString();
  holder.body = Object.fromEntries(body);
  return true;
}

async function readForm(ctx: KoaContext): Promise<URLSearchParams> {
  const holder = ctx.req as http.IncomingMessage & { body?: unknown; __raw?: string };
  if (holder.__raw === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    holder.__raw = Buffer.concat(chunks).toString("utf8");
    holder.body = Object.fromEntries(new URLSearchParams(holder.__raw));
  }
  return new URLSearchParams(holder.__raw);
}

/** The address guard as tests with a loopback upstream need it (LATCH_ALLOW_PRIVATE_WEBHOOKS=true). */
export const LOOPBACK_OK = { allowPrivate: true } as const;
