/**
 * @latch/pulumi: declare Latch OAuth apps, their secrets, custom scopes, upstream logins and webhooks in a Pulumi
 * program. The endpoint and API key come from stack config `latch:endpoint` and the secret `latch:apiKey`
 * (or LATCH_ENDPOINT / LATCH_API_KEY), read by the engine's provider host, never stored in the state. The lookups
 * (`getOAuthApp`, `getScope`, `getWebhook` and their `...Output` forms) read the same settings in the program.
 */

export {
  type GetOAuthAppArgs,
  type GetOAuthAppOutputArgs,
  type GetOAuthAppResult,
  getOAuthApp,
  getOAuthAppOutput,
} from "./functions/get-oauth-app.ts";
export {
  type GetScopeArgs,
  type GetScopeOutputArgs,
  type GetScopeResult,
  getScope,
  getScopeOutput,
} from "./functions/get-scope.ts";
export {
  type GetWebhookArgs,
  type GetWebhookOutputArgs,
  type GetWebhookResult,
  getWebhook,
  getWebhookOutput,
} from "./functions/get-webhook.ts";
export type { LatchInvokeOptions, LatchInvokeOutputOptions } from "./functions/lookup.ts";
export { ClientSecret, type ClientSecretArgs } from "./resources/client-secret.ts";
export { IdentityProvider, type IdentityProviderArgs } from "./resources/identity-provider.ts";
export { OAuthApp, type OAuthAppArgs } from "./resources/oauth-app.ts";
export { type LatchResourceOptions, Provider, type ProviderArgs } from "./resources/provider.ts";
export { Scope, type ScopeArgs } from "./resources/scope.ts";
export { Webhook, type WebhookArgs } from "./resources/webhook.ts";
