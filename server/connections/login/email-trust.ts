import type { LoginProviderKind } from "./login-provider-kinds.ts";

export type EmailTrustInput = {
  readonly kind: LoginProviderKind;
  readonly issuer?: string | null | undefined;
  readonly authorizationEndpoint?: string | null | undefined;
  readonly tokenEndpoint?: string | null | undefined;
  readonly userinfoEndpoint?: string | null | undefined;
};

/**
 * Whether Latch believes a provider's "email verified": only for a well-known provider reached at its own endpoints
 * (Google, Microsoft, Apple, GitHub, Discord), unless the platform opts in to trusting every provider. Users are shared
 * by all organizations, and whoever configures a custom issuer or overridden endpoints decides what they assert: taking
 * their word would let one organization's admin sign in as anyone with a verified address.
 */
export function providerVouchesForEmail(provider: EmailTrustInput, trustCustomProviders: boolean): boolean {
  if (trustCustomProviders) return true;
  const custom =
    provider.kind === "oidc" ||
    Boolean(provider.issuer) ||
    Boolean(provider.authorizationEndpoint) ||
    Boolean(provider.tokenEndpoint) ||
    Boolean(provider.userinfoEndpoint);
  return !custom;
}
