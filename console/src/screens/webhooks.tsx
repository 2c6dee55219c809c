import { Anchor, Badge, Button, Group, MultiSelect, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { hrefFor, navigate } from "../router.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { SecretOnce } from "./secret-once.tsx";
import { useAction } from "./use-action.ts";

const WEBHOOKS = graphql(`
  query ConsoleWebhooks($applicationId: ID) {
    webhookEventTypes
    webhooks(first: 100, applicationId: $applicationId) {
      edges {
        node {
          id
          url
          description
          events
          active
          disabledAt
          consecutiveFailures
          application {
            id
            name
          }
        }
      }
    }
  }
`);

const CREATE = graphql(`
  mutation ConsoleCreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookPayload {
        secret
        webhook {
          id
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const ALL = "*";

/**
 * The organization's webhooks: register one (its signing secret shown once), and each one's state at a glance. With
 * `application` (the app detail's Webhooks tab): only that app's webhooks, and new ones hear only its events.
 */
export function WebhooksScreen({ application }: { application?: { id: string; name: string } } = {}) {
  const hooks = useQuery(WEBHOOKS, { applicationId: application?.id ?? null });
  const action = useAction();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>([ALL]);
  const [shown, setShown] = useState<{ secret: string; id: string } | null>(null);
  const create = (event: React.FormEvent) => {
    event.preventDefault();
    void action.run(
      async () =>
        (
          await runMutation(CREATE, {
            input: {
              url: url.trim(),
              events,
              ...(application && { applicationId: application.id }),
              ...(description.trim() && { description: description.trim() }),
            },
          })
        ).createWebhook,
      (result) => {
        if (result.__typename === "CreateWebhookPayload") setShown({ secret: result.secret, id: result.webhook.id });
        setUrl("");
        setDescription("");
      },
    );
  };
  const eventTypes = hooks.status === "done" ? hooks.data.webhookEventTypes : [];
  return (
    <Stack>
      {application ? <Title order={3}>Webhooks of {application.name}</Title> : <Title order={2}>Webhooks</Title>}
      <Text size="sm" c="dimmed">
        Latch POSTs each event, signed per Standard Webhooks, to these endpoints and retries failures with backoff.
        {application && " These hear only this app's events; organization-wide ones are under Webhooks."}
      </Text>
      {shown ? (
        <Paper withBorder p="md">
          <SecretOnce
            secret={shown.secret}
            what="signing secret"
            onDone={() => {
              setShown(null);
              hooks.reload();
            }}
          />
        </Paper>
      ) : (
        <Paper withBorder p="md" component="form" onSubmit={create}>
          <Stack>
            <Title order={application ? 4 : 3} size="h5">
              {application ? `Add a webhook for ${application.name}` : "Add a webhook"}
            </Title>
            <TextInput
              label="Endpoint URL"
              description="https (http only on localhost in development)."
              placeholder="https://example.com/hooks/latch"
              required
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
            />
            <TextInput
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <MultiSelect
              label="Events"
              description="Every event, or only the types you pick."
              data={[{ value: ALL, label: "Every event" }, ...eventTypes]}
              value={events}
              onChange={(next) => setEvents(next.at(-1) === ALL ? [ALL] : next.filter((type) => type !== ALL))}
              searchable
            />
            {action.error && (
              <Text c="red.8" size="sm" role="alert">
                {action.error}
              </Text>
            )}
            <Button
              type="submit"
              loading={action.busy}
              disabled={url.trim() === "" || events.length === 0}
              w="fit-content"
            >
              Add webhook
            </Button>
          </Stack>
        </Paper>
      )}
      {hooks.status === "loading" && <LoadingState label="Loading webhooks" />}
      {hooks.status === "error" && <ErrorState message={hooks.message} onRetry={hooks.reload} />}
      {hooks.status === "done" && hooks.data.webhooks.edges.length === 0 && (
        <EmptyState title={application ? "No webhooks for this app yet" : "No webhooks yet"}>
          <Text size="sm" c="dimmed">
            Add an endpoint to hear about new grants, revocations, apps and secrets as they happen.
          </Text>
        </EmptyState>
      )}
      {hooks.status === "done" && hooks.data.webhooks.edges.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>For</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {hooks.data.webhooks.edges.map(({ node: hook }) => (
                <Table.Tr key={hook.id}>
                  <Table.Td>
                    <Anchor
                      href={hrefFor({ screen: "webhook", id: hook.id })}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate({ screen: "webhook", id: hook.id });
                      }}
                      style={{ wordBreak: "break-all" }}
                    >
                      {hook.url}
                    </Anchor>
                    {hook.description && (
                      <Text size="xs" c="dimmed">
                        {hook.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{hook.events.includes(ALL) ? "Every event" : hook.events.join(", ")}</Table.Td>
                  <Table.Td>{hook.application?.name ?? "Whole organization"}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <WebhookState active={hook.active} disabledAt={hook.disabledAt} />
                      {hook.consecutiveFailures > 0 && (
                        <Text size="xs" c="red.8">
                          {hook.consecutiveFailures} failed in a row
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function WebhookState({ active, disabledAt }: { active: boolean; disabledAt: string | null }) {
  if (active) {
    return (
      <Badge color="green" variant="dot" miw="max-content">
        Active
      </Badge>
    );
  }
  return (
    <Badge color="gray" variant="dot" miw="max-content">
      {disabledAt ? "Disabled after failures" : "Paused"}
    </Badge>
  );
}
