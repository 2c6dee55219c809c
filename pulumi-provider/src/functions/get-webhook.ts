import type * as pulumi from "@pulumi/pulumi";
import { type ErrorSubject, type LatchSettings, latchError } from "../provider/client.ts";
import { fetchNode } from "../provider/common.ts";
import { type LiveWebhook, WEBHOOK_FIELDS, webhooksWithUrl } from "../provider/webhook.ts";
import {
  type LatchInvokeOptions,
  type LatchInvokeOutputOptions,
  lookupOutput,
  lookupPromise,
  notFound,
} from "./lookup.ts";

/**
 * Which webhook: by its global id, or by its `url` (with `app`, an app's global id, when several webhooks share the
 * URL; `app: null` picks the organization-wide one).
 */
export type GetWebhookArgs =
  | { id: string; url?: undefined; app?: undefined }
  | { url: string; app?: string | null; id?: undefined };

/** `GetWebhookArgs` whose values may be other resources' outputs. */
export type GetWebhookOutputArgs =
  | { id: pulumi.Input<string>; url?: undefined; app?: undefined }
  | { url: pulumi.Input<string>; app?: pulumi.Input<string | null>; id?: undefined };

/** A webhook as the organization has it. Never its signing secret: a secret is readable only when it is minted. */
export type GetWebhookResult = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  /** The app whose events it receives (its global id); null for an organization-wide webhook. */
  app: string | null;
  active: boolean;
  /** When the server disabled it after failed deliveries; null while it is not. */
  disabledAt: string | null;
  /** When the signing secret a rotation replaced stops being used; null when none is pending. */
  previousSecretExpiresAt: string | null;
};

type WebhookKey = { id: string } | { url: string; app: string | null | undefined };

/** Paths and queries of webhook URLs often carry tokens: errors name the origin only. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : "(not a URL)";
}

function subjectOf(key?: WebhookKey): ErrorSubject {
  return { resource: "getWebhook", property: key ? ("id" in key ? "id" : "url") : undefined };
}

function keyOf(args: { id?: unknown; url?: unknown; app?: unknown } | undefined): WebhookKey {
  const hasId = args?.id !== undefined && args?.id !== null;
  const hasUrl = args?.url !== undefined && args?.url !== null;
  if (hasId === hasUrl) {
    throw latchError(subjectOf(), "pass exactly one of id and url", { code: "VALIDATION_FAILED" });
  }
  const property = hasId ? "id" : "url";
  const value = args?.[property];
  if (typeof value !== "string" || value.trim() === "") {
    throw latchError({ resource: "getWebhook", property }, `${property} must be a non-empty string`, {
      code: "VALIDATION_FAILED",
    });
  }
  if (hasId) return { id: value };
  const app = args?.app;
  if (app !== undefined && app !== null && typeof app !== "string") {
    throw latchError({ resource: "getWebhook", property: "app" }, "app must be an app's id or null", {
      code: "VALIDATION_FAILED",
    });
  }
  return { url: value, app: app as string | null | undefined };
}

/** Whether an id can be a webhook's global id (base64 of `Webhook:<id>`); any other string names no webhook. */
function isWebhookId(id: string): boolean {
  try {
    return atob(id).startsWith("Webhook:");
  } catch {
    return false;
  }
}

function resultOf(live: LiveWebhook): GetWebhookResult {
  return {
    id: live.id,
    url: live.url,
    events: live.events,
    description: live.description,
    app: live.application?.id ?? null,
    active: live.active,
    disabledAt: live.disabledAt,
    previousSecretExpiresAt: live.previousSecretExpiresAt,
  };
}

async function lookUp(key: WebhookKey, settings: LatchSettings): Promise<GetWebhookResult> {
  const subject = subjectOf(key);
  if ("id" in key) {
    const live = isWebhookId(key.id)
      ? await fetchNode<LiveWebhook>(settings, key.id, "Webhook", WEBHOOK_FIELDS, subject)
      : null;
    if (!live) throw notFound(subject, `webhook with id ${JSON.stringify(key.id)}`);
    return resultOf(live);
  }
  const found = await webhooksWithUrl(settings, key.url, key.app, subject);
  const what = `webhook with a url on ${JSON.stringify(originOf(key.url))}${key.app === null ? " (organization-wide)" : key.app ? ` of app ${JSON.stringify(key.app)}` : ""}`;
  if (found.length === 0) throw notFound(subject, what);
  if (found.length > 1) {
    throw latchError(
      subject,
      `${found.length} webhooks have this url: pass \`app\` (null for the organization-wide one)`,
      {
        code: "AMBIGUOUS",
      },
    );
  }
  return resultOf(found[0]!);
}

/**
 * Reads a webhook of the organization (the stack's, or `opts.provider`'s) by id or by url. Not found is an error
 * that names what was looked for (a url by its origin: its path may carry a token).
 *
 * @example
 * const hook = await getWebhook({ url: "https://hooks.example/latch", app: null });
 */
export function getWebhook(args: GetWebhookArgs, opts?: LatchInvokeOptions): Promise<GetWebhookResult> {
  return lookupPromise(subjectOf(), opts, async (settings) => lookUp(keyOf(args), settings));
}

/** `getWebhook` taking Inputs and returning an Output, unknown while they are. */
export function getWebhookOutput(
  args: GetWebhookOutputArgs,
  opts?: LatchInvokeOutputOptions,
): pulumi.Output<GetWebhookResult> {
  return lookupOutput(subjectOf(), args, opts, (plain, settings) =>
    lookUp(keyOf(plain as { id?: unknown; url?: unknown; app?: unknown }), settings),
  );
}
