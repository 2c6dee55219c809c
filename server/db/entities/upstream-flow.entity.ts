import { defineEntity, p } from "@mikro-orm/postgresql";
import { IdentityProvider } from "./identity-provider.entity.ts";
import { IntegrationCredential } from "./integration-credential.entity.ts";
import { User } from "./user.entity.ts";

export const upstreamFlowPurposes = ["login", "connection"] as const;
export type UpstreamFlowPurpose = (typeof upstreamFlowPurposes)[number];

/**
 * An outbound authorization request waiting for its answer at `/oauth/callback`: found by the SHA-256 of its `state`,
 * used once (`consumedAt`), short-lived. The PKCE verifier is sealed; the nonce guards the upstream id_token.
 */
export const UpstreamFlowSchema = defineEntity({
  name: "UpstreamFlow",
  tableName: "upstream_flows",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    stateHash: p.text().unique(),
    purpose: p.enum(upstreamFlowPurposes),
    /** `login`: the app's provider the person chose. */
    identityProvider: () => p.manyToOne(IdentityProvider).ref().nullable().deleteRule("cascade"),
    /** `connection`: the integration being connected. */
    integration: () => p.manyToOne(IntegrationCredential).ref().nullable().deleteRule("cascade"),
    /** `connection`: the signed-in user who started it; the callback must come from the same user's session. */
    user: () => p.manyToOne(User).ref().nullable().deleteRule("cascade"),
    codeVerifierEncrypted: p.text(),
    nonce: p.text().nullable(),
    /** `login`: the same-origin path to resume (the authorize request); `connection`: the opener's origin. */
    returnTo: p.text(),
    /** Binds the flow to the browser that started it (SHA-256 of a cookie value), against login CSRF. */
    browserBindingHash: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    consumedAt: p.datetime().nullable(),
  },
});

export class UpstreamFlow extends UpstreamFlowSchema.class {}
UpstreamFlowSchema.setClass(UpstreamFlow);
