import { formatScope } from "./scopes.ts";

/** What the service found for an introspected token, after checking its grant, app and expiry. */
export type IntrospectedToken = {
  active: boolean;
  scopes: readonly string[];
  clientId: string;
  subject?: string;
  username?: string;
  tokenType: "access_token" | "refresh_token";
  exp?: number;
  iat?: number;
  issuer: string;
  audience?: string | string[];
  jti?: string;
  /** The workspace the user authorized the grant for (seed 000: access applies only to it); a Latch extension. */
  workspaceId?: string;
};

/** Who asks to introspect: its client_id, organization, and whether the organization made it a resource server. */
export type IntrospectionCaller = {
  readonly clientId: string;
  readonly organizationId: string;
  readonly isResourceServer: boolean;
};

/**
 * Whether `caller` may learn about a token issued to `token.clientId` of `token.organizationId` (RFC 7662 §4: the
 * server must decide which protected resources may introspect which tokens). An app may introspect the tokens
 * issued to itself; a resource server, every token of its organization; nobody, another organization's tokens.
 * Anything refused is answered exactly like an unknown token (§2.2).
 */
export function mayIntrospect(
  caller: IntrospectionCaller,
  token: { readonly clientId: string; readonly organizationId: string },
): boolean {
  if (token.organizationId !== caller.organizationId) return false;
  return caller.isResourceServer || token.clientId === caller.clientId;
}

/**
 * The introspection response (RFC 7662 §2.2): exactly `{ active: false }` for an unknown, expired or revoked token
 * (§2.2: nothing else may be revealed about it), else the token's metadata with undefined members omitted.
 */
export function buildIntrospectionResponse(token: IntrospectedToken | null): Record<string, unknown> {
  if (!token?.active) return { active: false };
  const response: Record<string, unknown> = {
    active: true,
    scope: token.scopes.length > 0 ? formatScope(token.scopes) : undefined,
    client_id: token.clientId,
    username: token.username,
    // §2.2 means the RFC 6749 §5.1 access token type; refresh tokens get a distinct value so a resource server
    // that introspects one by mistake can tell it is not an access token.
    token_type: token.tokenType === "access_token" ? "Bearer" : "refresh_token",
    exp: token.exp,
    iat: token.iat,
    sub: token.subject,
    aud: token.audience,
    iss: token.issuer,
    jti: token.jti,
    workspace_id: token.workspaceId,
  };
  return Object.fromEntries(Object.entries(response).filter(([, value]) => value !== undefined));
}
