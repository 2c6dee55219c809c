import { Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { useQuery } from "../use-query.ts";

const PAGE = 50;

const EVENTS = graphql(`
  query ConsoleAuditLog($filter: EventFilter, $first: Int, $after: String) {
    events(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          type
          actorType
          actorId
          subjectType
          subjectId
          payload
          createdAt
        }
      }
    }
  }
`);

const CHOICES = graphql(`
  query ConsoleAuditChoices {
    webhookEventTypes
    applications(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
    organization {
      memberships(first: 100) {
        edges {
          node {
            userId
            email
            displayName
          }
        }
      }
    }
  }
`);

type Filter = { type: string; applicationId: string | null; actorId: string | null; since: string; until: string };

const NO_FILTER: Filter = { type: "", applicationId: null, actorId: null, since: "", until: "" };

const instant = (local: string) => (local ? new Date(local).toISOString() : null);

/** The organization's audit log, newest first: every Event, filtered by type, app, who acted and time. */
export function AuditLogScreen() {
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(draft);
  const [after, setAfter] = useState<string[]>([]);
  const choices = useQuery(CHOICES);
  const events = useQuery(EVENTS, {
    first: PAGE,
    after: after.at(-1) ?? null,
    filter: {
      type: filter.type.trim() || null,
      applicationId: filter.applicationId,
      actorId: filter.actorId,
      since: instant(filter.since),
      until: instant(filter.until),
    },
  });
  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    setAfter([]);
    setFilter(draft);
  };
  const known = choices.status === "done" ? choices.data : null;
  const appNames = new Map(known?.applications.edges.map(({ node }) => [node.id, node.name]) ?? []);
  const members = new Map(
    known?.organization?.memberships.edges.map(({ node }) => [node.userId, `${node.displayName} (${node.email})`]) ??
      [],
  );
  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Group component="form" onSubmit={apply} align="flex-end" wrap="wrap" aria-label="Filter the audit log">
        {/* The browser's own suggestions (a datalist): every event type, and any other text still allowed. */}
        <TextInput
          label="Type"
          placeholder="e.g. grant.revoked"
          list="audit-event-types"
          autoComplete="off"
          value={draft.type}
          onChange={(event) => setDraft({ ...draft, type: event.currentTarget.value })}
        />
        <datalist id="audit-event-types">
          {known?.webhookEventTypes.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
        <Select
          label="App"
          placeholder="Every app"
          clearable
          data={[...appNames].map(([value, label]) => ({ value, label }))}
          value={draft.applicationId}
          onChange={(value) => setDraft({ ...draft, applicationId: value })}
        />
        <Select
          label="By"
          placeholder="Anyone"
          clearable
          searchable
          data={[...members].map(([value, label]) => ({ value, label }))}
          value={draft.actorId}
          onChange={(value) => setDraft({ ...draft, actorId: value })}
        />
        <TextInput
          label="Since"
          type="datetime-local"
          value={draft.since}
          onChange={(event) => setDraft({ ...draft, since: event.currentTarget.value })}
        />
        <TextInput
          label="Until"
          type="datetime-local"
          value={draft.until}
          onChange={(event) => setDraft({ ...draft, until: event.currentTarget.value })}
        />
        <Button type="submit">Filter</Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft(NO_FILTER);
            setAfter([]);
            setFilter(NO_FILTER);
          }}
        >
          Clear
        </Button>
      </Group>
      {events.status === "loading" && <LoadingState label="Loading events" />}
      {events.status === "error" && <ErrorState message={events.message} onRetry={events.reload} />}
      {events.status === "done" && events.data.events.totalCount === 0 && (
        <EmptyState title="No events">
          <Text size="sm" c="dimmed">
            Nothing matches these filters. Changes to apps, keys and grants, and sign-ins, are recorded here.
          </Text>
        </EmptyState>
      )}
      {events.status === "done" && events.data.events.totalCount > 0 && (
        <>
          <Text size="sm" c="dimmed">
            {events.data.events.totalCount} event{events.data.events.totalCount === 1 ? "" : "s"}
          </Text>
          <Table.ScrollContainer
            minWidth={720}
            scrollAreaProps={{ viewportProps: { tabIndex: 0, "aria-label": "Events" } }}
          >
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.data.events.edges.map(({ node: event }) => (
                  <Table.Tr key={event.id}>
                    <Table.Td>{new Date(event.createdAt).toLocaleString()}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {event.type}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {(event.actorId && members.get(event.actorId)) ??
                        `${event.actorType.toLowerCase().replace("_", " ")}${event.actorId ? ` ${event.actorId.slice(0, 8)}` : ""}`}
                    </Table.Td>
                    <Table.Td>{event.subjectType}</Table.Td>
                    <Table.Td>
                      <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", maxWidth: 480 }}>
                        {JSON.stringify(event.payload, null, 1)}
                      </Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group>
            <Button variant="default" disabled={after.length === 0} onClick={() => setAfter(after.slice(0, -1))}>
              Newer
            </Button>
            <Button
              variant="default"
              disabled={!events.data.events.pageInfo.hasNextPage}
              onClick={() => {
                const cursor = events.status === "done" ? events.data.events.pageInfo.endCursor : null;
                if (cursor) setAfter([...after, cursor]);
              }}
            >
              Older
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
