import { AccessTokenSchema } from "./access-token.entity.ts";
import { AccountTokenSchema } from "./account-token.entity.ts";
import { ApiKeySchema } from "./api-key.entity.ts";
import { ApplicationSchema } from "./application.entity.ts";
import { AuthorizationCodeSchema } from "./authorization-code.entity.ts";
import { ClientSecretSchema } from "./client-secret.entity.ts";
import { ConnectionSchema } from "./connection.entity.ts";
import { EventSchema } from "./event.entity.ts";
import { ExternalIdentitySchema } from "./external-identity.entity.ts";
import { GrantSchema } from "./grant.entity.ts";
import { IdentityProviderSchema } from "./identity-provider.entity.ts";
import { IntegrationCredentialSchema } from "./integration-credential.entity.ts";
import { InvitationSchema } from "./invitation.entity.ts";
import { MembershipSchema } from "./membership.entity.ts";
import { OrganizationSchema } from "./organization.entity.ts";
import { RecoveryCodeSchema } from "./recovery-code.entity.ts";
import { RedirectUriSchema } from "./redirect-uri.entity.ts";
import { RefreshTokenSchema } from "./refresh-token.entity.ts";
import { ScopeSchema } from "./scope.entity.ts";
import { SessionSchema } from "./session.entity.ts";
import { SigningKeySchema } from "./signing-key.entity.ts";
import { TotpFactorSchema } from "./totp-factor.entity.ts";
import { UpstreamFlowSchema } from "./upstream-flow.entity.ts";
import { UsageCounterSchema } from "./usage-counter.entity.ts";
import { UserSchema } from "./user.entity.ts";
import { WebauthnCredentialSchema } from "./webauthn-credential.entity.ts";
import { WebauthnSpentChallengeSchema } from "./webauthn-spent-challenge.entity.ts";
import { WebhookSchema } from "./webhook.entity.ts";
import { WebhookDeliverySchema } from "./webhook-delivery.entity.ts";

export * from "./access-token.entity.ts";
export * from "./account-token.entity.ts";
export * from "./api-key.entity.ts";
export * from "./application.entity.ts";
export * from "./authorization-code.entity.ts";
export * from "./client-secret.entity.ts";
export * from "./connection.entity.ts";
export * from "./event.entity.ts";
export * from "./external-identity.entity.ts";
export * from "./grant.entity.ts";
export * from "./identity-provider.entity.ts";
export * from "./integration-credential.entity.ts";
export * from "./invitation.entity.ts";
export * from "./membership.entity.ts";
export * from "./organization.entity.ts";
export * from "./recovery-code.entity.ts";
export * from "./redirect-uri.entity.ts";
export * from "./refresh-token.entity.ts";
export * from "./scope.entity.ts";
export * from "./session.entity.ts";
export * from "./signing-key.entity.ts";
export * from "./totp-factor.entity.ts";
export * from "./upstream-flow.entity.ts";
export * from "./usage-counter.entity.ts";
export * from "./user.entity.ts";
export * from "./webauthn-credential.entity.ts";
export * from "./webauthn-spent-challenge.entity.ts";
export * from "./webhook.entity.ts";
export * from "./webhook-delivery.entity.ts";

/** Every entity schema, for the `entities` option of `MikroORM.init` (nothing is discovered from disk). */
export const entities = [
  OrganizationSchema,
  UserSchema,
  MembershipSchema,
  ApplicationSchema,
  RedirectUriSchema,
  ClientSecretSchema,
  ScopeSchema,
  IdentityProviderSchema,
  ExternalIdentitySchema,
  SessionSchema,
  GrantSchema,
  AuthorizationCodeSchema,
  RefreshTokenSchema,
  AccessTokenSchema,
  SigningKeySchema,
  ApiKeySchema,
  WebhookSchema,
  WebhookDeliverySchema,
  EventSchema,
  UsageCounterSchema,
  IntegrationCredentialSchema,
  ConnectionSchema,
  UpstreamFlowSchema,
  AccountTokenSchema,
  InvitationSchema,
  TotpFactorSchema,
  RecoveryCodeSchema,
  WebauthnCredentialSchema,
  WebauthnSpentChallengeSchema,
];
