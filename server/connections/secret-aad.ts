/**
 * The AAD each sealed outbound secret is bound to, so a ciphertext cannot be moved to another row or column and
 * still open.
 */
export const integrationSecretAad = (integrationId: string) => `integration:${integrationId}:client_secret`;
export const integrationPasswordAad = (integrationId: string) => `integration:${integrationId}:password`;
export const connectionAccessTokenAad = (connectionId: string) => `connection:${connectionId}:access_token`;
export const connectionRefreshTokenAad = (connectionId: string) => `connection:${connectionId}:refresh_token`;
export const upstreamFlowVerifierAad = (flowId: string) => `upstream_flow:${flowId}:code_verifier`;
