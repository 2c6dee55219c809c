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
