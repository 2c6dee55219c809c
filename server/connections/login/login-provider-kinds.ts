/**
 * The upstream sign-in providers this client knows how to speak to; an identity provider row (`kind`) names one of
 * them, and the entity takes its enum from here.
 */
export const loginProviderKinds = ["google", "github", "microsoft", "apple", "discord", "oidc"] as const;
export type LoginProviderKind = (typeof loginProviderKinds)[number];

/** Kinds whose sign-in is OpenID Connect: endpoints come from discovery, and an id_token (with our nonce) is required. */
export const OIDC_KINDS: ReadonlySet<LoginProviderKind> = new Set(["google", "microsoft", "apple", "oidc"]);

/**
 * Kinds whose authorization response comes back as a cross-site form POST (OAuth 2.0 Form Post Response Mode): Apple
 * refuses a request for `name` or `email` in any other mode.
 */
export const FORM_POST_KINDS: ReadonlySet<LoginProviderKind> = new Set(["apple"]);

/**
 * The issuer each well-known OIDC kind uses when the row names none. Microsoft's is the multi-tenant `common`
 * endpoint, whose discovery names a `{tenantid}` template rather than itself (see `discover-issuer.ts`).
 */
export const DEFAULT_ISSUERS: Partial<Record<LoginProviderKind, string>> = {
  google: "https://accounts.google.com",
  microsoft: "https://login.microsoftonline.com/common/v2.0",
  apple: "https://appleid.apple.com",
};

export type OAuthEndpoints = {
  readonly authorization: string;
  readonly token: string;
  /** The profile API: GitHub's `/user` (its `/emails` beneath it), Discord's `/users/@me`. */
  readonly userinfo: string;
};

/** The documented endpoints of the plain OAuth 2.0 kinds, which publish no discovery document. */
export const KNOWN_ENDPOINTS: Partial<Record<LoginProviderKind, OAuthEndpoints>> = {
  github: {
    authorization: "https://github.com/login/oauth/authorize",
    token: "https://github.com/login/oauth/access_token",
    userinfo: "https://api.github.com/user",
  },
  discord: {
    authorization: "https://discord.com/oauth2/authorize",
    token: "https://discord.com/api/oauth2/token",
    userinfo: "https://discord.com/api/users/@me",
  },
};

const KIND_LABELS: Record<LoginProviderKind, string> = {
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
  apple: "Apple",
  discord: "Discord",
  oidc: "Single sign-on",
};

/** What "Continue with …" names: the admin's display name, else the kind's (an `oidc` one falls back to its host). */
export function providerLabel(provider: {
  readonly kind: LoginProviderKind;
  readonly displayName?: string | null;
  readonly issuer?: string | null;
}): string {
  if (provider.displayName) return provider.displayName;
  if (provider.kind === "oidc" && provider.issuer && URL.canParse(provider.issuer)) {
    return new URL(provider.issuer).host;
  }
  return KIND_LABELS[provider.kind];
}
