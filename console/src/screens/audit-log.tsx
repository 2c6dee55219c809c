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

const APPS = graphql(`
  query ConsoleAuditApps {
    applications(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

type Filter = { type: string; applicationId: string | null; since: string };

/** The organization's audit log, newest first: every Event, filtered by type, app and time. */
export function AuditLogScreen() {
  const [draft, setDraft] = useState<Filter>({ type: "", applicationId: null, since: "" });
  const [filter, setFilter] = useState<Filter>(draft);
  const [after, setAfter] = useState<string[]>([]);
  const apps = useQuery(APPS);
  const events = useQuery(EVENTS, {
    first: PAGE,
    after: after.at(-1) ?? null,
    filter: {
      type: filter.type.trim() || null,
      applicationId: filter.applicationId,
      since: filter.since ? new Date(filter.since).toISOString() : null,
    },
  });
  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    setAfter([]);
    setFilter(draft);
  };
  const appNames = new Map(
    apps.status === "done" ? apps.data.applications.edges.map(({ node }) => [node.id, node.name]) : [],
  );
  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Group component="form" onSubmit={apply} align="flex-end" wrap="wrap" aria-label="Filter the audit log">
        <TextInput
          label="Type"
          placeholder="e.g. grant.revoked"
          value={draft.type}
          onChange={(event) => setDraft({ ...draft, type: event.currentTarget.value })}
        />
        <Select
          label="App"
          placeholder="Every app"
          clearable
          data={[...appNames].map(([value, label]) => ({ value, label }))}
          value={draft.applicationId}
          onChange={(value) => setDraft({ ...draft, applicationId: value })}
        />
        <TextInput
          label="Since"
          type="datetime-local"
          value={draft.since}
          onChange={(event) => setDraft({ ...draft, since: event.currentTarget.value })}
        />
        <Button type="submit">Filter</Button>
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
                      {event.actorType.toLowerCase().replace("_", " ")}
                      {event.actorId ? ` ${event.actorId.slice(0, 8)}` : ""}
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
