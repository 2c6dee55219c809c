/**
 * The Webhook dynamic provider: a Standard Webhooks endpoint of the organization or of one app. Its `whsec_`
 * signing secret is the `secret` output (declared secret by the resource); changing `rotation` rotates it in place,
 * and the server keeps signing with the previous one for 24 hours. `app` cannot change in place.
 * Serialized into the state: no runtime imports besides the other provider modules, globals only.
 */
import { type ErrorSubject, graphql, type LatchSettings, resolveSettings } from "./client.ts";
import {
  changedProperties,
  deleteIdempotently,
  diffResult,
  engineFacing,
  fetchNode,
  inOrderOf,
  mutate,
  nullish,
  type ProviderConfig,
  type ProviderState,
  settingsOf,
} from "./common.ts";
import {
  type Failure,
  isUnknown,
  maxLengthProblem,
  optionalText,
  UNKNOWN,
  uniqueList,
  webhookEventsProblem,
  webhookUrlProblem,
} from "./rules.ts";

export type WebhookInputs = {
  /** Where deliveries are POSTed: https (http on localhost outside production). */
  url: string;
  /** Event types, or `["*"]` for all. */
  events: string[];
  description?: string | null;
  /** Only this app's events (an OAuthApp's `id`); omit for the whole organization. A change replaces it. */
  app?: string | null;
  /** Deliver events to it (default true). */
  active?: boolean;
  /** Any string; changing it rotates the signing secret in place. */
  rotation?: string | null;
  /**
   * Take over an existing webhook with this `url` and `app` (a retained one, one made in the console): its settings
   * are applied and its signing secret rotated (the old one keeps working 24 h), since a secret is never readable.
   */
  adopt?: boolean;
};

export type WebhookDesired = {
  url: string;
  events: string[];
  description: string | null;
  app: string | null;
  active: boolean;
  rotation: string | null;
  adopt: boolean;
};

export type WebhookOutputs = WebhookDesired & {
  /** The `whsec_` signing secret. Declared secret: encrypted in the state. */
  secret: string;
  previousSecretExpiresAt: string | null;
  disabledAt: string | null;
};

export const WEBHOOK_FIELDS = "id url description events active disabledAt previousSecretExpiresAt application { id }";
const DIFFED = ["url", "events", "description", "app", "active", "rotation"] as const;

const FIELDS = WEBHOOK_FIELDS;

/** A webhook as the control plane answers it. */
export type LiveWebhook = {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  disabledAt: string | null;
  previousSecretExpiresAt: string | null;
  application: { id: string } | null;
};

function subjectOf(inputs: { url?: unknown } | undefined, id?: string): ErrorSubject {
  const url = typeof inputs?.url === "string" && inputs.url !== UNKNOWN ? inputs.url : undefined;
  // Paths and queries of webhook URLs often carry tokens: errors name the origin only.
  const name = url && URL.canParse(url) ? new URL(url).origin : id;
  return { resource: `Webhook${name ? ` "${name}"` : ""}`, fields: { applicationId: "app" } };
}

/** The organization's webhooks with this URL: of this app (null: organization-wide ones; undefined: any). */
export async function webhooksWithUrl(
  settings: LatchSettings,
  url: string,
  app: string | null | undefined,
  subject: ErrorSubject,
): Promise<LiveWebhook[]> {
  const found: LiveWebhook[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      webhooks: { edges: { node: LiveWebhook }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await graphql(
      settings,
      `query LatchPulumiWebhooks($after: String, $app: ID) {
        webhooks(first: 100, after: $after, applicationId: $app) {
          edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { after, app: app ?? null },
      { subject, idempotent: true },
    );
    for (const { node } of data.webhooks.edges) {
      if (node.url === url && (app === undefined || (node.application?.id ?? null) === app)) found.push(node);
    }
    if (!data.webhooks.pageInfo.hasNextPage) return found;
    after = data.webhooks.pageInfo.endCursor;
  }
}

/** The organization's webhook with this URL and app (null: an organization-wide one), or null. */
export async function findWebhook(
  settings: LatchSettings,
  url: string,
  app: string | null,
  subject: ErrorSubject,
): Promise<LiveWebhook | null> {
  return (await webhooksWithUrl(settings, url, app, subject))[0] ?? null;
}

async function rotateSecret(settings: LatchSettings, id: string, subject: ErrorSubject) {
  return mutate<{ secret: string; webhook: LiveWebhook }>(
    settings,
    "rotateWebhookSecret",
    `mutation LatchPulumiRotateWebhook($id: ID!) {
      rotateWebhookSecret(id: $id) {
        __typename ...MutationErrors ... on RotateWebhookSecretPayload { secret webhook { ${FIELDS} } }
      }
    }`,
    { id },
    subject,
  );
}

async function updateSettings(
  settings: LatchSettings,
  id: string,
  input: Record<string, unknown>,
  subject: ErrorSubject,
): Promise<LiveWebhook> {
  const payload = await mutate<{ webhook: LiveWebhook }>(
    settings,
    "updateWebhook",
    `mutation LatchPulumiUpdateWebhook($input: UpdateWebhookInput!) {
      updateWebhook(input: $input) { __typename ...MutationErrors ... on WebhookPayload { webhook { ${FIELDS} } } }
    }`,
    { input: { id, ...input } },
    subject,
    true,
  );
  return payload.webhook;
}

function outputsOf(
  live: LiveWebhook,
  rotation: string | null,
  secret: string | null,
  eventsOrder?: unknown,
  adopt = false,
): WebhookOutputs {
  return nullish({
    url: live.url,
    events: inOrderOf(live.events, eventsOrder),
    description: live.description,
    app: live.application?.id ?? null,
    active: live.active,
    rotation,
    adopt,
    secret,
    previousSecretExpiresAt: live.previousSecretExpiresAt,
    disabledAt: live.disabledAt,
  }) as WebhookOutputs;
}

export function createWebhookProvider() {
  const provider = {
    settings: undefined as LatchSettings | undefined,

    async configure(request: { config: ProviderConfig }): Promise<void> {
      (this as ProviderState).settings = resolveSettings(request.config);
    },

    async check(_olds: Partial<WebhookOutputs>, news: Partial<WebhookInputs>) {
      const events = uniqueList(news.events ?? []) as string[];
      const inputs: WebhookDesired = {
        url: typeof news.url === "string" && !isUnknown(news.url) ? news.url.trim() : (news.url as string),
        events: events.includes("*") ? ["*"] : events,
        description: optionalText(news.description),
        app: news.app === undefined || news.app === null || news.app === "" ? null : news.app,
        active: news.active === undefined || news.active === null ? true : news.active,
        rotation: news.rotation === undefined || news.rotation === null ? null : String(news.rotation),
        adopt: news.adopt === undefined || news.adopt === null ? false : news.adopt,
      };
      const failures: Failure[] = [];
      const add = (property: string, reason: string | undefined) => {
        if (reason !== undefined) failures.push({ property, reason });
      };
      if (!isUnknown(inputs.url)) add("url", webhookUrlProblem(inputs.url));
      if (!isUnknown(inputs.adopt) && typeof inputs.adopt !== "boolean") add("adopt", "adopt must be true or false");
      if (!isUnknown(news.events)) add("events", webhookEventsProblem(inputs.events));
      if (!isUnknown(news.description)) add("description", maxLengthProblem("description", news.description, 500));
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(inputs) as WebhookDesired, failures };
    },

    async diff(_id: string, olds: Partial<WebhookOutputs>, news: WebhookDesired) {
      return diffResult(changedProperties(olds, news, DIFFED, ["events"]), ["app"]);
    },

    async create(inputs: WebhookDesired): Promise<{ id: string; outs: WebhookOutputs }> {
      const subject = subjectOf(inputs);
      const settings = settingsOf(this as ProviderState, subject);
      if (inputs.adopt && !isUnknown(inputs.url)) {
        const existing = await findWebhook(settings, inputs.url, inputs.app, subject);
        if (existing) {
          await updateSettings(
            settings,
            existing.id,
            { events: inputs.events, description: inputs.description, active: inputs.active },
            subject,
          );
          const rotated = await rotateSecret(settings, existing.id, { ...subject, property: "adopt" });
          return {
            id: existing.id,
            outs: outputsOf(rotated.webhook, inputs.rotation, rotated.secret, inputs.events, true),
          };
        }
      }
      const payload = await mutate<{ secret: string; webhook: LiveWebhook }>(
        settings,
        "createWebhook",
        `mutation LatchPulumiCreateWebhook($input: CreateWebhookInput!) {
          createWebhook(input: $input) {
            __typename ...MutationErrors ... on CreateWebhookPayload { secret webhook { ${FIELDS} } }
          }
        }`,
        {
          input: {
            url: inputs.url,
            events: inputs.events,
            description: inputs.description,
            applicationId: inputs.app,
            active: inputs.active,
          },
        },
        subject,
      );
      return {
        id: payload.webhook.id,
        outs: outputsOf(payload.webhook, inputs.rotation, payload.secret, inputs.events, inputs.adopt),
      };
    },

    async read(id: string, props?: Partial<WebhookOutputs>) {
      const subject = subjectOf(props, id);
      const live = await fetchNode<LiveWebhook>(
        settingsOf(this as ProviderState, subject),
        id,
        "Webhook",
        FIELDS,
        subject,
      );
      if (!live) return { id: "" };
      const outs = outputsOf(
        live,
        props?.rotation ?? null,
        props?.secret ?? null,
        props?.events,
        props?.adopt ?? false,
      );
      const { secret: _secret, previousSecretExpiresAt: _previous, disabledAt: _disabled, ...inputs } = outs;
      return { id, props: outs, inputs };
    },

    async update(id: string, olds: WebhookOutputs, news: WebhookDesired): Promise<{ outs: WebhookOutputs }> {
      const subject = subjectOf(news, id);
      const settings = settingsOf(this as ProviderState, subject);
      const changed = changedProperties(olds, news, ["url", "events", "description", "active"], ["events"]);
      let live: LiveWebhook | null = null;
      if (changed.length > 0) {
        const input: Record<string, unknown> = {};
        for (const property of changed) input[property] = news[property as keyof WebhookDesired];
        live = await updateSettings(settings, id, input, subject);
      }
      let secret = olds.secret ?? null;
      if (news.rotation !== null && news.rotation !== (olds.rotation ?? null)) {
        const rotated = await rotateSecret(settings, id, { ...subject, property: "rotation" });
        secret = rotated.secret;
        live = rotated.webhook;
      }
      live ??= await fetchNode<LiveWebhook>(settings, id, "Webhook", FIELDS, subject);
      if (!live) throw new Error(`${subject.resource}: the webhook ${id} no longer exists (run \`pulumi refresh\`)`);
      return { outs: outputsOf(live, news.rotation, secret, news.events, news.adopt) };
    },

    async delete(id: string, props: Partial<WebhookOutputs>): Promise<void> {
      const subject = subjectOf(props, id);
      await deleteIdempotently(
        settingsOf(this as ProviderState, subject),
        "deleteWebhook",
        "mutation LatchPulumiDeleteWebhook($id: ID!) { deleteWebhook(id: $id) { __typename ...MutationErrors } }",
        id,
        subject,
      );
    },
  };
  return engineFacing(provider, ["secret"]);
}

export type WebhookProvider = ReturnType<typeof createWebhookProvider>;
