import type { EntityManager } from "@mikro-orm/postgresql";
import { seal } from "../../crypto/envelope.ts";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { webhookSecretAad } from "../../crypto/secret-aad.ts";
import { Application, Organization, Webhook } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import type { ActorType } from "../record-event.ts";
import { checkAuthIntegration } from "./auth-integration.ts";
import { recordWebhookEvent } from "./webhook-event.ts";
import { checkDescription, checkEvents, checkWebhookUrl, urlOrigin } from "./webhook-rules.ts";

export type CreateWebhookInput = {
  readonly organizationId: string;
  /** Null for an organization-wide webhook. */
  readonly applicationId?: string | null;
  readonly url: string;
  readonly description?: string | null;
  readonly events: readonly string[];
  readonly active?: boolean | null;
  /** A client_credentials or password integration whose token authenticates deliveries (Bearer); null for none. */
  readonly authIntegrationId?: string | null;
  /** Development only: accept http://localhost receivers. */
  readonly allowLoopbackHttp: boolean;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type CreatedWebhook = {
  readonly webhook: Webhook;
  /** The `whsec_` signing secret, shown once; it is stored sealed. */
  readonly secret: string;
};

/** Registers a Standard Webhooks endpoint for the organization or one of its apps, with a fresh signing secret. */
export async function createWebhook(
  em: EntityManager,
  keyring: MasterKeyring,
  input: CreateWebhookInput,
  now: Date,
): Promise<CreatedWebhook> {
  const url = checkWebhookUrl(input.url, input.allowLoopbackHttp);
  const events = checkEvents(input.events);
  const description = checkDescription(input.description);
  return em.transactional(async (tx) => {
    const organization = await tx.findOne(Organization, { id: input.organizationId });
    if (!organization) throw new NotFoundError("Organization");
    const application = input.applicationId
      ? await tx.findOne(Application, { id: input.applicationId, organization: organization.id })
      : null;
    if (input.applicationId && !application) throw new NotFoundError("Application");
    const authIntegration = await checkAuthIntegration(tx, organization.id, input.authIntegrationId ?? null);
    const id = crypto.randomUUID();
    const secret = mintSecret(SECRET_PREFIXES.webhookSecret);
    const webhook = tx.create(Webhook, {
      id,
      organization,
      application,
      url,
      description,
      events,
      secretEncrypted: seal(keyring, secret, webhookSecretAad(id)),
      previousSecretEncrypted: null,
      previousSecretExpiresAt: null,
      authIntegration,
      active: input.active ?? true,
      consecutiveFailures: 0,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    });
    recordWebhookEvent(
      tx,
      "webhook.created",
      webhook,
      { organizationId: organization.id, actor: input.actor },
      { origin: urlOrigin(url), events, authIntegrationId: authIntegration?.id ?? null },
      now,
    );
    return { webhook, secret };
  });
}
