import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { mintSecret, SECRET_PREFIXES } from "../../../server/crypto/prefixed-secret.ts";
import { webhookMessage } from "../../../server/events/message.ts";
import { signMessage } from "../../../server/events/signing.ts";

const event = {
  id: "5f0c8a52-7a37-4f3e-9a55-0c6f7b1f4d11",
  type: "grant.revoked",
  organizationId: "0b8f5d8e-5c1e-4a57-8f57-1e4c2d7d2a01",
  applicationId: "7d7e4c3a-1c1b-4d0e-9f4e-2a5b6c7d8e9f",
  subjectType: "grant",
  subjectId: "c3b1a2d4-0000-4000-8000-000000000001",
  actorType: "api_key",
  actorId: "a1b2c3d4-0000-4000-8000-000000000002",
  payload: { userId: "u-1", reason: "admin" },
  createdAt: new Date("2026-11-23T12:00:00.000Z"),
};

describe("webhook messages and signatures", () => {
  it("wraps the event as {type, timestamp, data} with the event id as webhook-id", () => {
    const message = webhookMessage(event);
    expect(message.id).toBe(event.id);
    expect(JSON.parse(message.body)).toEqual({
      type: "grant.revoked",
      timestamp: "2026-11-23T12:00:00.000Z",
      data: {
        userId: "u-1",
        reason: "admin",
        organizationId: event.organizationId,
        applicationId: event.applicationId,
        subject: { type: "grant", id: event.subjectId },
        actor: { type: "api_key", id: event.actorId },
      },
    });
  });

  it("signs once per secret, and the standardwebhooks verifier accepts either", () => {
    const current = mintSecret(SECRET_PREFIXES.webhookSecret);
    const previous = mintSecret(SECRET_PREFIXES.webhookSecret);
    const message = webhookMessage(event);
    const now = new Date();
    const headers = signMessage([current, previous], message, now);
    expect(headers["webhook-id"]).toBe(event.id);
    expect(headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(message.body, { ...headers })).toEqual(JSON.parse(message.body));
    }
    const single = signMessage([current], message, now);
    expect(() => new Webhook(previous).verify(message.body, { ...single })).toThrow("No matching signature found");
    expect(() => new Webhook(current).verify(`${message.body} `, { ...single })).toThrow();
    expect(() => signMessage([], message, now)).toThrow();
  });
});
