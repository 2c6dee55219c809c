/**
 * The AAD every sealed value is bound to, one builder per column: a ciphertext moved to another row or column no
 * longer opens. The one module that names them, so the code that seals and the code that opens cannot drift.
 */
export const signingKeyAad = (kid: string) => `signing_key:${kid}`;
export const webhookSecretAad = (webhookId: string) => `webhook:${webhookId}`;
export const identityProviderSecretAad = (identityProviderId: string) => `identity_provider:${identityProviderId}`;
export const integrationSecretAad = (integrationId: string) => `integration:${integrationId}:client_secret`;
export const integrationPasswordAad = (integrationId: string) => `integration:${integrationId}:password`;
export const connectionAccessTokenAad = (connectionId: string) => `connection:${connectionId}:access_token`;
export const connectionRefreshTokenAad = (connectionId: string) => `connection:${connectionId}:refresh_token`;
export const upstreamFlowVerifierAad = (flowId: string) => `upstream_flow:${flowId}:code_verifier`;
export const totpSecretAad = (factorId: string) => `totp_factor:${factorId}:secret`;
