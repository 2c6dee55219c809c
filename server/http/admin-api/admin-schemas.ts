import { z } from "zod";

/**
 * The REST admin API's request and response schemas (zod 4). The routes validate with them and the OpenAPI document
 * (`openapi-document.ts`) is generated from them, so the description cannot drift from what is enforced.
 */

const APP_ID = "0b9f2c9e-8f0e-4b7a-9a55-3c1b6f3f8d21";
const NOW = "2026-12-08T12:00:00.000Z";

/** The page size cap of every list endpoint. */
export const MAX_PAGE_SIZE = 100;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable machine-readable code, e.g. validation_failed, not_found." }),
      message: z.string().meta({ description: "A precise sentence; never holds a secret." }),
      field: z.string().optional().meta({ description: "The request field at fault, as the caller spelled it." }),
    }),
  })
  .meta({
    id: "Error",
    examples: [{ error: { code: "validation_failed", message: "name is required", field: "name" } }],
  });

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .meta({ description: `Items per page, 1 to ${MAX_PAGE_SIZE} (default 20).` }),
  offset: z.coerce.number().int().min(0).default(0).meta({ description: "Items to skip (default 0)." }),
});

const scopes = z
  .array(z.string())
  .meta({ description: "Scopes the app may request (built-in or the organization's)." });
const grantTypes = z
  .array(z.enum(["authorization_code", "refresh_token", "client_credentials", "password"]))
  .meta({ description: "Grant types the app may use." });
const redirectUris = z
  .array(z.string())
  .meta({ description: "Exact redirect URIs: https, loopback http, or a private-use scheme. A set." });

export const CreateApplicationSchema = z
  .object({
    name: z.string().meta({ description: "1 to 100 characters, unique in the organization." }),
    description: z.string().nullable().optional(),
    type: z.enum(["confidential", "public"]).default("confidential"),
    redirectUris: redirectUris.default([]),
    allowedScopes: scopes.optional(),
    grantTypes: grantTypes.optional(),
    accessTokenFormat: z.enum(["jwt", "opaque"]).optional(),
    accessTokenTtl: z.number().int().optional().meta({ description: "Seconds, 60 to 31536000 (default 604800)." }),
    refreshTokenTtl: z.number().int().optional().meta({ description: "Seconds, 60 to 31536000 (default 2592000)." }),
  })
  .meta({
    id: "CreateApplication",
    examples: [{ name: "My App", redirectUris: ["https://myapp.example.com/callback"] }],
  });

export const UpdateApplicationSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().nullable().optional(),
    redirectUris: redirectUris.optional().meta({ description: "Replaces the whole set when given." }),
    allowedScopes: scopes.optional(),
    grantTypes: grantTypes.optional(),
    isActive: z.boolean().optional().meta({ description: "false disables the app and revokes its tokens at once." }),
    accessTokenFormat: z.enum(["jwt", "opaque"]).optional(),
    accessTokenTtl: z.number().int().optional(),
    refreshTokenTtl: z.number().int().optional(),
  })
  .meta({
    id: "UpdateApplication",
    description: "Fields given replace the app's; fields left out stay as they are.",
    examples: [{ name: "My Renamed App", redirectUris: ["https://myapp.example.com/callback"] }],
  });

export const ProviderSchema = z
  .object({
    id: z.string(),
    type: z.enum(["google", "github", "microsoft", "apple", "discord", "oidc"]),
    displayName: z.string().nullable(),
    clientId: z.string(),
    clientSecretLast4: z.string().meta({ description: "The upstream secret is write-only; its last 4 characters." }),
    issuer: z.string().nullable(),
    scopes: z.array(z.string()),
    isEnabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({
    id: "Provider",
    examples: [
      {
        id: "5d1e7a8c-2b4f-4c1d-9e0a-7f6b5c4d3e2f",
        type: "google",
        displayName: null,
        clientId: "1234.apps.googleusercontent.com",
        clientSecretLast4: "wxyz",
        issuer: null,
        scopes: ["openid", "email", "profile"],
        isEnabled: true,
        createdAt: NOW,
        updatedAt: NOW,
      },
    ],
  });

const applicationFields = {
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  clientId: z.string().meta({ description: "The OAuth client_id (public)." }),
  type: z.enum(["confidential", "public"]),
  redirectUris: z.array(z.string()),
  allowedScopes: z.array(z.string()),
  grantTypes: z.array(z.string()),
  accessTokenFormat: z.enum(["jwt", "opaque"]),
  accessTokenTtl: z.number().int(),
  refreshTokenTtl: z.number().int(),
  isActive: z.boolean(),
  providers: z.array(ProviderSchema),
  warnings: z.array(z.string()).meta({
    description:
      "What was saved but could be safer, one sentence each: a single-word private-use redirect scheme (myapp://) gets advice to use a reverse-domain one. Usually empty.",
  }),
  createdAt: z.string(),
  updatedAt: z.string().nullable().meta({ description: "Null until the first update." }),
};

const applicationExample = {
  id: APP_ID,
  name: "My App",
  description: null,
  clientId: "latch_ci_4fHq2x9ZbN1sK7pLm3RtVw",
  type: "confidential",
  redirectUris: ["https://myapp.example.com/callback"],
  allowedScopes: ["openid", "profile", "email", "identify", "guilds", "offline_access"],
  grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
  accessTokenFormat: "jwt",
  accessTokenTtl: 604800,
  refreshTokenTtl: 2592000,
  isActive: true,
  providers: [],
  warnings: [],
  createdAt: NOW,
  updatedAt: null,
} as const;

export const ApplicationSchema = z
  .object(applicationFields)
  .meta({ id: "Application", examples: [applicationExample] });

export const ApplicationWithSecretSchema = z
  .object({
    ...applicationFields,
    clientSecret: z
      .string()
      .nullable()
      .meta({ description: "Shown only in this answer; null for public apps. Store it now." }),
  })
  .meta({
    id: "ApplicationWithSecret",
    examples: [{ ...applicationExample, clientSecret: "latch_cs_Jd93kLq0XbV7mN2pR5tYw8zA1cE4fH6g" }],
  });

export const WebhookInputSchema = z
  .object({
    url: z.string().meta({ description: "https URL the events are POSTed to (Standard Webhooks)." }),
    events: z.array(z.string()).default(["*"]).meta({ description: "Event types, or * for all (default)." }),
    description: z.string().nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .meta({
    id: "CreateWebhook",
    examples: [{ url: "https://myapp.example.com/webhooks/latch", events: ["grant.created", "grant.revoked"] }],
  });

export const UpdateWebhookSchema = z
  .object({
    url: z.string().optional(),
    events: z.array(z.string()).optional(),
    description: z.string().nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .meta({ id: "UpdateWebhook", examples: [{ isActive: false }] });

const webhookFields = {
  id: z.string(),
  applicationId: z.string().nullable(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  isActive: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
};
const webhookExample = {
  id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  applicationId: APP_ID,
  url: "https://myapp.example.com/webhooks/latch",
  description: null,
  events: ["grant.created", "grant.revoked"],
  isActive: true,
  createdAt: NOW,
  updatedAt: null,
};

export const WebhookSchema = z.object(webhookFields).meta({ id: "Webhook", examples: [webhookExample] });

export const WebhookWithSecretSchema = z
  .object({ ...webhookFields, secret: z.string().meta({ description: "The whsec_ signing secret, shown once." }) })
  .meta({
    id: "WebhookWithSecret",
    examples: [{ ...webhookExample, secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" }],
  });

export const CreateProviderSchema = z
  .object({
    type: ProviderSchema.shape.type,
    clientId: z.string(),
    clientSecret: z.string().meta({ description: "Write-only; sealed at rest." }),
    displayName: z.string().nullable().optional(),
    issuer: z.string().nullable().optional().meta({ description: "Required for type oidc." }),
    scopes: z.array(z.string()).optional(),
    isEnabled: z.boolean().optional(),
  })
  .meta({
    id: "CreateProvider",
    examples: [{ type: "google", clientId: "1234.apps.googleusercontent.com", clientSecret: "GOCSPX-example-secret" }],
  });

/** A page of `item`: the items, the total, and the limit and offset that produced it. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      total: z.number().int(),
      limit: z.number().int(),
      offset: z.number().int(),
    })
    .meta({ id });
}

export const ApplicationPageSchema = pageOf(ApplicationSchema, "ApplicationPage");
export const WebhookPageSchema = pageOf(WebhookSchema, "WebhookPage");
export const ProviderListSchema = z.object({ data: z.array(ProviderSchema) }).meta({ id: "ProviderList" });
