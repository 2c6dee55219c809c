import { Accordion, Badge, Button, Code, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const EVENT = graphql(`
  query ConsoleDeliveredEvent($id: ID!) {
    node(id: $id) {
      __typename
      ... on Event {
        id
        type
        createdAt
        payload
      }
    }
  }
`);

const REDELIVER = graphql(`
  mutation ConsoleRedeliver($id: ID!) {
    redeliverWebhookDelivery(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export type Delivery = {
  readonly id: string;
  readonly attempt: number;
  readonly createdAt: string;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly eventId: string;
  readonly eventType: string;
  readonly messageId: string;
  readonly nextAttemptAt: string | null;
  readonly responseBody: string | null;
  readonly responseBytes: number | null;
  readonly responseStatus: number | null;
  readonly status: "FAILED" | "SUCCEEDED";
  readonly trigger: "EVENT" | "REDELIVERY" | "TEST";
};

const TRIGGERS = { EVENT: "event", REDELIVERY: "redelivery", TEST: "test" } as const;

/** The attempts, newest first; opening one shows the answer, the event's payload and "Redeliver". */
export function DeliveryLog({ deliveries, onChange }: { deliveries: readonly Delivery[]; onChange(): void }) {
  const [open, setOpen] = useState<string | null>(null);
  if (deliveries.length === 0) {
    return (
      <EmptyState title="No attempts yet">
        <Text size="sm" c="dimmed">
          Send a test, or wait for the next event: each attempt is logged here when it ends.
        </Text>
      </EmptyState>
    );
  }
  return (
    <Accordion value={open} onChange={setOpen} variant="contained">
      {deliveries.map((delivery) => (
        <Accordion.Item key={delivery.id} value={delivery.id}>
          <Accordion.Control>
            <Group gap="xs" wrap="wrap">
              <Badge color={delivery.status === "SUCCEEDED" ? "green" : "red"} variant="light" miw="max-content">
                {delivery.status === "SUCCEEDED" ? "Succeeded" : "Failed"}
              </Badge>
              <Text size="sm" fw={500}>
                {delivery.eventType}
              </Text>
              <Text size="xs" c="dimmed">
                {delivery.responseStatus ?? "no answer"} · {new Date(delivery.createdAt).toLocaleString()}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            {open === delivery.id && <DeliveryDetail delivery={delivery} onChange={onChange} />}
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function DeliveryDetail({ delivery, onChange }: { delivery: Delivery; onChange(): void }) {
  const event = useQuery(EVENT, { id: delivery.eventId });
  const action = useAction();
  const [queued, setQueued] = useState(false);
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <Fact label="webhook-id">
          <Code>{delivery.messageId}</Code>
        </Fact>
        <Fact label="Attempt">
          {delivery.attempt} ({TRIGGERS[delivery.trigger]})
        </Fact>
        <Fact label="Answer">
          {delivery.responseStatus ? `HTTP ${delivery.responseStatus}` : "none"}
          {delivery.durationMs !== null && ` in ${delivery.durationMs} ms`}
          {delivery.responseBytes !== null && `, ${delivery.responseBytes} bytes`}
        </Fact>
        {delivery.error && <Fact label="Why it failed">{delivery.error}</Fact>}
        {delivery.nextAttemptAt && <Fact label="Next retry">{new Date(delivery.nextAttemptAt).toLocaleString()}</Fact>}
      </SimpleGrid>
      {delivery.responseBody && (
        <Fact label="Response body (first 1 KiB)">
          <Code block tabIndex={0} aria-label="Response body">
            {delivery.responseBody}
          </Code>
        </Fact>
      )}
      <Fact label="Payload">
        {event.status === "loading" && <LoadingState label="Loading the payload" />}
        {event.status === "error" && <ErrorState message={event.message} onRetry={event.reload} />}
        {event.status === "done" &&
          (event.data.node?.__typename === "Event" ? (
            <Code block aria-label="Event payload" tabIndex={0}>
              {JSON.stringify(
                { type: event.data.node.type, timestamp: event.data.node.createdAt, data: event.data.node.payload },
                null,
                2,
              )}
            </Code>
          ) : (
            <Text size="sm">The event was deleted by the retention policy.</Text>
          ))}
      </Fact>
      {action.error && <ErrorState message={action.error} />}
      {queued && !action.error && (
        <Text size="sm" role="status">
          Sent again as a new attempt with the same webhook-id; it appears at the top when it ends.
        </Text>
      )}
      <Button
        variant="light"
        w="fit-content"
        loading={action.busy}
        onClick={() =>
          void action.run(
            async () => (await runMutation(REDELIVER, { id: delivery.id })).redeliverWebhookDelivery,
            () => {
              setQueued(true);
              onChange();
            },
          )
        }
      >
        Redeliver
      </Button>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}
