/**
 * The defaults and ranges of an app's settings, in one place: the entity's column defaults, the services' checks,
 * the GraphQL descriptions, the console's fields and the Pulumi provider's parity test all read these.
 */

/** A setting counted in seconds: the range an app may choose from, and what a new app gets. */
export type SecondsRange = { readonly min: number; readonly max: number; readonly default: number };

export const ACCESS_TOKEN_TTL: SecondsRange = { min: 60, max: 31_536_000, default: 604_800 };
export const REFRESH_TOKEN_TTL: SecondsRange = { min: 60, max: 31_536_000, default: 2_592_000 };
/** 0 by default: strict, a rotated-out refresh token presented again revokes its family (RFC 9700 §4.14.2). */
export const REFRESH_REUSE_INTERVAL: SecondsRange = { min: 0, max: 60, default: 0 };

/** The seconds settings by field name, as create and update check them. */
export const SECONDS_SETTINGS = {
  accessTokenTtl: ACCESS_TOKEN_TTL,
  refreshTokenTtl: REFRESH_TOKEN_TTL,
  refreshReuseInterval: REFRESH_REUSE_INTERVAL,
} as const;

/** How a GraphQL description states a seconds setting: "Seconds, 60 to 31536000 (default 604800)." */
export const describeSeconds = (range: SecondsRange): string =>
  `Seconds, ${range.min} to ${range.max} (default ${range.default}).`;

export const DEFAULT_ACCESS_TOKEN_FORMAT = "jwt";
export const DEFAULT_REFRESH_TOKEN_ROTATION = true;

/**
 * The scopes a new app may request when its creator names none: the user's identity, never a workspace scope
 * (those stay explicit). Seed 001's "fill in the name and redirect URI(s)" app can run its own authorize URL.
 */
export const DEFAULT_ALLOWED_SCOPES = ["openid", "profile", "email", "identify", "guilds", "offline_access"] as const;

/**
 * The grant types a new app gets when its creator names none: the code flow with refresh for every app, and client
 * credentials for a confidential one (seed 003: "for server-to-server authentication, use client credentials").
 */
export function defaultGrantTypes(type: "confidential" | "public"): string[] {
  return type === "confidential"
    ? ["authorization_code", "refresh_token", "client_credentials"]
    : ["authorization_code", "refresh_token"];
}
