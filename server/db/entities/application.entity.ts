import { defineEntity, p } from "@mikro-orm/postgresql";
import {
  ACCESS_TOKEN_TTL,
  DEFAULT_ACCESS_TOKEN_FORMAT,
  DEFAULT_REFRESH_TOKEN_ROTATION,
  REFRESH_REUSE_INTERVAL,
  REFRESH_TOKEN_TTL,
} from "./application-settings.ts";
import { Organization } from "./organization.entity.ts";
import { User } from "./user.entity.ts";

export const applicationTypes = ["confidential", "public"] as const;
export type ApplicationType = (typeof applicationTypes)[number];

export const accessTokenFormats = ["jwt", "opaque"] as const;
export type AccessTokenFormat = (typeof accessTokenFormats)[number];

/** How a confidential app authenticates at the token, revocation and introspection endpoints (RFC 7591 §2). */
export const tokenEndpointAuthMethods = ["client_secret_basic", "client_secret_post", "any"] as const;
export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number];

const defaultGrantTypes = ["authorization_code", "refresh_token"];

/**
 * An OAuth client owned by an organization. Array defaults are set both in the database and through `onCreate`,
 * so a new entity never shares (and mutates) the metadata's default array.
 */
export const ApplicationSchema = defineEntity({
  name: "Application",
  tableName: "applications",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    name: p.text(),
    description: p.text().nullable(),
    clientId: p.text().unique(),
    type: p.enum(applicationTypes),
    grantTypes: p
      .array()
      .default(defaultGrantTypes)
      .onCreate(() => [...defaultGrantTypes]),
    allowPasswordGrant: p.boolean().default(false),
    allowedScopes: p
      .array()
      .default([])
      .onCreate(() => []),
    accessTokenFormat: p.enum(accessTokenFormats).default(DEFAULT_ACCESS_TOKEN_FORMAT),
    /** Seconds. */
    accessTokenTtl: p.integer().default(ACCESS_TOKEN_TTL.default),
    /** Seconds. */
    refreshTokenTtl: p.integer().default(REFRESH_TOKEN_TTL.default),
    refreshTokenRotation: p.boolean().default(DEFAULT_REFRESH_TOKEN_ROTATION),
    /**
     * Seconds during which presenting the just-rotated refresh token again is a retry, answered with the successor it
     * already got, not a reuse. 0 (the default): strict, any reuse revokes the family.
     */
    refreshReuseInterval: p.integer().default(REFRESH_REUSE_INTERVAL.default),
    /**
     * The one client authentication method a confidential app may use, or `any` (the default) for both secret
     * methods. Public apps keep `any`: they authenticate with `none` whatever it says.
     */
    tokenEndpointAuthMethod: p.enum(tokenEndpointAuthMethods).default("any"),
    /**
     * A resource server: it may introspect the tokens of every app of its organization. Any other app introspects
     * only its own tokens (RFC 7662 §4).
     */
    isResourceServer: p.boolean().default(false),
    logoUrl: p.text().nullable(),
    primaryColor: p.text().nullable(),
    secondaryColor: p.text().nullable(),
    homepageUrl: p.text().nullable(),
    privacyPolicyUrl: p.text().nullable(),
    termsOfServiceUrl: p.text().nullable(),
    isActive: p.boolean().default(true),
    /**
     * Which deployment tool manages the app (`pulumi:<org>/<project>/<stack>`), so a second stack does not take it
     * over by accident. Free text the tool sets and reads; Latch only stores it.
     */
    managedBy: p.text().nullable(),
    /** Set by revoking every grant of the app: grants created before it are revoked, whatever their rows say yet. */
    grantsRevokedBefore: p.datetime().nullable(),
    /**
     * Set by disabling the app: access tokens issued before it are inactive for good, JWTs without a row included, so
     * enabling the app again revives none of them.
     */
    tokensRevokedBefore: p.datetime().nullable(),
    createdBy: () => p.manyToOne(User).ref().nullable().deleteRule("set null"),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["organization", "name"] }],
});

export class Application extends ApplicationSchema.class {}
ApplicationSchema.setClass(Application);
