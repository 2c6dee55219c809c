import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { graphql } from "../graphql.ts";
import { hrefFor, navigate } from "../router.ts";
import { ErrorState, LoadingState, SuccessNote } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";
import { DeliveryLog } from "./webhook-deliveries.tsx";
import { WebhookState } from "./webhooks.tsx";

const WEBHOOK = graphql(`
  query ConsoleWebhook($id: ID!, $status: WebhookDeliveryStatus) {
    node(id: $id) {
      __typename
      ... on Webhook {
        id
        url
        description
        events
        active
        disabledAt
        consecutiveFailures
        previousSecretExpiresAt
        application {
          name
        }
        deliveries(first: 50, status: $status) {
          totalCount
          edges {
            node {
              id
              attempt
              createdAt
              durationMs
              error
              eventId
              eventType
              messageId
              nextAttemptAt
              responseBody
              responseBytes
              responseStatus
              status
              trigger
            }
          }
        }
      }
    }
  }
`);

const SEND_TEST = graphql(`
  mutation ConsoleSendTestWebhook($id: ID!) {
    sendTestWebhookEvent(webhookId: $id) {
      __typename
      ... on SendTestWebhookEventPayload {
        messageId
      }
      ... on Error {
        message
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation ConsoleUpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** The log refreshes itself while the screen is open: attempts are logged when they end, after the request. */
const REFRESH_MS = 2000;

type Filter = "ALL" | "FAILED" | "SUCCEEDED";

/** One webhook: send a test, pause or resume, delete, and its delivery log with payloads and redelivery. */
export function WebhookDetailScreen({ id }: { id: string }) {
  const [filter, setFilter] = useState<Filter>("ALL");
  const hook = useQuery(WEBHOOK, { id, status: filter === "ALL" ? null : filter });
  const action = useAction();
  const [sent, setSent] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const { reload } = hook;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  if (hook.status === "loading") return <LoadingState label="Loading the webhook" />;
  if (hook.status === "error") return <ErrorState message={hook.message} onRetry={hook.reload} />;
  const node = hook.data.node;
  if (node?.__typename !== "Webhook") return <ErrorState message="This webhook does not exist, or it was deleted." />;
  const webhook = node;
  return (
    <Stack>
      <Anchor
        href={hrefFor({ screen: "webhooks" })}
        size="sm"
        onClick={(event) => {
          event.preventDefault();
          navigate({ screen: "webhooks" });
        }}
      >
        ← All webhooks
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Title order={2} style={{ wordBreak: "break-all" }}>
          {webhook.url}
        </Title>
        <WebhookState active={webhook.active} disabledAt={webhook.disabledAt} />
      </Group>
      <Text size="sm" c="dimmed">
        {webhook.application ? `Events of ${webhook.application.name}` : "Events of the whole organization"}:{" "}
        {webhook.events.includes("*") ? "every event" : webhook.events.join(", ")}.
        {webhook.consecutiveFailures > 0 && ` ${webhook.consecutiveFailures} events in a row failed every retry.`}
      </Text>
      <Group>
        <Button
          loading={action.busy}
          onClick={() =>
            void action.run(
              async () => (await runMutation(SEND_TEST, { id: webhook.id })).sendTestWebhookEvent,
              (result) => {
                if (result.__typename === "SendTestWebhookEventPayload") setSent(result.messageId);
                reload();
              },
            )
          }
        >
          Send test
        </Button>
        <Button
          variant="default"
          loading={action.busy}
          onClick={() =>
            void action.run(
              async () =>
                (await runMutation(UPDATE, { input: { id: webhook.id, active: !webhook.active } })).updateWebhook,
              reload,
            )
          }
        >
          {webhook.active ? "Pause deliveries" : "Resume deliveries"}
        </Button>
      </Group>
      {sent && (
        <SuccessNote title="Test sent">
          A signed webhook.test message is on its way with webhook-id {sent}; its attempt appears below when it ends.
        </SuccessNote>
      )}
      {action.error && <ErrorState message={action.error} />}
      <Paper withBorder p="md">
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h5">
              Delivery log ({webhook.deliveries.totalCount})
            </Title>
            <SegmentedControl
              aria-label="Show attempts"
              value={filter}
              onChange={(value) => setFilter(value as Filter)}
              data={[
                { value: "ALL", label: "All" },
                { value: "FAILED", label: "Failed" },
                { value: "SUCCEEDED", label: "Succeeded" },
              ]}
            />
          </Group>
          <DeliveryLog deliveries={webhook.deliveries.edges.map((edge) => edge.node)} onChange={reload} />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={3} size="h5">
            Delete this webhook
          </Title>
          <Text size="sm">Nothing more is sent to it and its delivery log is deleted.</Text>
          <Group align="flex-end">
            <TextInput
              label="Type delete to confirm"
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
            />
            <Button
              color="red"
              disabled={confirm !== "delete"}
              loading={action.busy}
              onClick={() =>
                void action.run(
                  async () => (await runMutation(DELETE, { id: webhook.id })).deleteWebhook,
                  () => navigate({ screen: "webhooks" }),
                )
              }
            >
              Delete webhook
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
