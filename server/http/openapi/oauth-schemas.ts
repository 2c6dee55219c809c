import { z } from "zod";

/**
 * The OAuth endpoints' requests and answers as the OpenAPI document describes them (RFC 6749, 7009, 7662, 8414,
 * OpenID Connect). The endpoints read forms with `read-form.ts` and decide in `server/oauth/`; these schemas are
 * their description.
 */

export const TokenRequestSchema = z
  .object({
    grant_type: z.enum(["authorization_code", "refresh_token", "client_credentials", "password"]),
    code: z.string().optional(),
    redirect_uri: z.string().optional(),
    code_verifier: z.string().optional().meta({ description: "PKCE verifier (RFC 7636)." }),
    refresh_token: z.string().optional(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
  })
  .meta({
    id: "TokenRequest",
    description: "RFC 6749 §4: form-encoded; clients authenticate with HTTP Basic or client_secret_post.",
    examples: [
      {
        grant_type: "authorization_code",
        code: "latch_ac_example",
        redirect_uri: "https://myapp.example.com/callback",
        code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
      },
    ],
  });

export const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    refresh_token: z.string().optional(),
    scope: z.string(),
    id_token: z.string().optional(),
  })
  .meta({
    id: "TokenResponse",
    examples: [
      {
        access_token: "eyJhbGciOiJFUzI1NiJ9.e30.sig",
        token_type: "Bearer",
        expires_in: 604800,
        refresh_token: "latch_rt_example",
        scope: "identify guilds",
      },
    ],
  });

export const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).meta({
  id: "OAuthError",
  description: "RFC 6749 §5.2.",
  examples: [{ error: "invalid_grant", error_description: "the authorization code is invalid, expired or used" }],
});

export const RevokeRequestSchema = z
  .object({ token: z.string(), token_type_hint: z.enum(["access_token", "refresh_token"]).optional() })
  .meta({
    id: "RevokeRequest",
    description: "RFC 7009 §2.1.",
    examples: [{ token: "latch_rt_example", token_type_hint: "refresh_token" }],
  });

export const IntrospectRequestSchema = z
  .object({ token: z.string(), token_type_hint: z.enum(["access_token", "refresh_token"]).optional() })
  .meta({ id: "IntrospectRequest", description: "RFC 7662 §2.1.", examples: [{ token: "latch_at_example" }] });

export const IntrospectResponseSchema = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    token_type: z.string().optional(),
    workspace_id: z.string().nullable().optional().meta({ description: "The workspace the grant covers (Latch)." }),
  })
  .meta({
    id: "IntrospectResponse",
    description: "RFC 7662 §2.2.",
    examples: [
      {
        active: true,
        scope: "identify",
        client_id: "latch_ci_4fHq2x9ZbN1sK7pLm3RtVw",
        sub: "8c1f0d6e-2a4b-4c3d-9e8f-7a6b5c4d3e2f",
        exp: 1796731200,
      },
      { active: false },
    ],
  });

export const AuthorizeQuerySchema = z
  .object({
    response_type: z.literal("code"),
    client_id: z.string(),
    redirect_uri: z.string().optional(),
    scope: z.string().optional(),
    state: z.string().optional(),
    code_challenge: z.string().optional(),
    code_challenge_method: z.literal("S256").optional(),
    nonce: z.string().optional(),
    prompt: z.string().optional(),
    max_age: z.string().optional(),
    acr_values: z.string().optional(),
  })
  .meta({ id: "AuthorizeQuery" });

export const UserinfoSchema = z
  .object({
    sub: z.string(),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
    name: z.string().optional(),
    picture: z.string().nullable().optional(),
  })
  .meta({
    id: "Userinfo",
    description: "OpenID Connect Core §5.3.2.",
    examples: [
      { sub: "8c1f0d6e-2a4b-4c3d-9e8f-7a6b5c4d3e2f", email: "ada@example.com", email_verified: true, name: "Ada" },
    ],
  });

export const MeSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    global_name: z.string().nullable().optional(),
    avatar: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    verified: z.boolean().optional(),
  })
  .loose()
  .meta({
    id: "Me",
    description: "The user of the token (the `identify` scope), in Discord's shape.",
    examples: [{ id: "8c1f0d6e-2a4b-4c3d-9e8f-7a6b5c4d3e2f", username: "ada" }],
  });

export const GuildSchema = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), owner: z.boolean(), role: z.string() })
  .meta({
    id: "Guild",
    examples: [{ id: "2f3e4d5c-6b7a-4981-8f7e-6d5c4b3a2918", name: "Acme", slug: "acme", owner: true, role: "owner" }],
  });

export const LinkedAccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    verified: z.boolean(),
    revoked: z.boolean(),
    visibility: z.number().int(),
    linked_at: z.string(),
  })
  .meta({
    id: "LinkedAccount",
    description: "An upstream account linked by signing in with it, in Discord's connection shape.",
    examples: [
      {
        id: "583231",
        name: "octocat",
        type: "github",
        verified: true,
        revoked: false,
        visibility: 0,
        linked_at: "2026-12-07T10:00:00.000Z",
      },
    ],
  });

export const ServerMetadataSchema = z
  .object({
    issuer: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    jwks_uri: z.string(),
  })
  .loose()
  .meta({
    id: "ServerMetadata",
    description: "RFC 8414 §2 / OpenID Connect Discovery §3.",
    examples: [
      {
        issuer: "https://latch.example.com",
        authorization_endpoint: "https://latch.example.com/oauth2/authorize",
        token_endpoint: "https://latch.example.com/oauth2/token",
        jwks_uri: "https://latch.example.com/.well-known/jwks.json",
      },
    ],
  });
