import type { GraphQLClient } from "graphql-request";
import { parseMasterKeys } from "../../../server/crypto/master-key.ts";
import { Event } from "../../../server/db/entities/index.ts";
import { type EventWorker, type EventWorkerOptions, startEventWorker } from "../../../server/events/worker.ts";
import { createLogger } from "../../../server/logger.ts";
import type { EventType } from "../../../server/services/event-types.ts";
import { recordEvent } from "../../../server/services/record-event.ts";
import { apiKeyFor, controlPlane, globalId } from "../../support/control-plane.ts";
import { createUser } from "../../support/oauth-fixtures.ts";
import type { TestServer } from "../../support/test-server.ts";

/** A server whose worker the test starts and stops itself, with private receivers allowed (127.0.0.1). */
export const SERVER_ENV = { LATCH_RUN_WORKER: "false", LATCH_ALLOW_PRIVATE_WEBHOOKS: "true" };

export const FAST_SCHEDULE = [0, 150, 150, 150];

export function startWorker(server: TestServer, options: Partial<EventWorkerOptions> = {}): Promise<EventWorker> {
  return startEventWorker({
    orm: server.orm,
    keyring: parseMasterKeys(server.env.LATCH_MASTER_KEY!),
    logger: createLogger((process.env.TEST_LOG_LEVEL as "silent") ?? "silent"),
    allowPrivateWebhooks: true,
    eventRetentionDays: 90,
    disableAfterFailures: 5,
    retrySchedule: FAST_SCHEDULE,
    requestTimeoutMs: 2000,
    pollIntervalMs: 200,
    recoverAfterMs: 1000,
    ...options,
  });
}

/** A fresh organization (so webhooks of other tests never see its events) and an admin client for it. */
export async function freshOrganization(server: TestServer): Promise<{ organizationId: string; admin: GraphQLClient }> {
  const { organizationId } = await createUser(server.orm);
  return { organizationId, admin: controlPlane(server, await apiKeyFor(server, organizationId)) };
}

export const rowIdOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;

/** Registers a webhook through the control plane; returns its row id and its `whsec_` secret. */
export async function createWebhook(
  admin: GraphQLClient,
  input: { url: string; events?: string[]; applicationId?: string },
): Promise<{ id: string; globalId: string; secret: string }> {
  const result: any = await admin.request(
    `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) {
      __typename ... on CreateWebhookPayload { secret webhook { id } } ... on Error { message } } }`,
    {
      input: {
        url: input.url,
        events: input.events ?? ["*"],
        ...(input.applicationId ? { applicationId: globalId("Application", input.applicationId) } : {}),
      },
    },
  );
  if (result.createWebhook.__typename !== "CreateWebhookPayload") throw new Error(result.createWebhook.message);
  const id = result.createWebhook.webhook.id as string;
  return { id: rowIdOf(id), globalId: id, secret: result.createWebhook.secret };
}

/** Writes an Event the way services do (outbox row, committed), for event types no service emits yet. */
export async function emitEvent(
  server: TestServer,
  input: { type: EventType; organizationId: string; applicationId?: string | null; payload?: Record<string, unknown> },
): Promise<string> {
  const em = server.orm.em.fork();
  const event = recordEvent(
    em,
    {
      type: input.type,
      organizationId: input.organizationId,
      applicationId: input.applicationId ?? null,
      subjectType: input.type.split(".")[0]!,
      subjectId: crypto.randomUUID(),
      actor: { type: "system" },
      payload: input.payload ?? { note: "test" },
    },
    new Date(),
  );
  await em.flush();
  return event.id;
}

export async function eventsOf(server: TestServer, organizationId: string, type: string): Promise<Event[]> {
  return server.orm.em.fork().find(Event, { organizationId, type }, { orderBy: { createdAt: "asc", id: "asc" } });
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
