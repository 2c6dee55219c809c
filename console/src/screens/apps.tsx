import { Anchor, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { hrefFor, navigate } from "../router.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { useQuery } from "../use-query.ts";
import { CopyValue } from "./copy-value.tsx";

const APPS = graphql(`
  query ConsoleApps {
    applications(first: 100) {
      totalCount
      edges {
        node {
          id
          name
          clientId
          type
          isActive
          activeGrantCount
          lastActivityAt
        }
      }
    }
  }
`);

/** Account > OAuth Apps: every app of the workspace, searchable by name or client id. */
export function AppsScreen() {
  const apps = useQuery(APPS);
  const [search, setSearch] = useState("");
  const createApp = () => navigate({ screen: "create-app" });
  const shown =
    apps.status === "done"
      ? apps.data.applications.edges.map((edge) => edge.node).filter((app) => matches(search, app.name, app.clientId))
      : [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>OAuth apps</Title>
        <Button onClick={createApp}>Create app</Button>
      </Group>
      {apps.status === "loading" && <LoadingState label="Loading apps" />}
      {apps.status === "error" && <ErrorState message={apps.message} onRetry={apps.reload} />}
      {apps.status === "done" && apps.data.applications.totalCount === 0 && (
        <EmptyState title="No apps yet">
          <Text size="sm" c="dimmed">
            Create an app to get a client id and secret for your OAuth flows.
          </Text>
          <Button onClick={createApp}>Create your first app</Button>
        </EmptyState>
      )}
      {apps.status === "done" && apps.data.applications.totalCount > 0 && (
        <>
          <TextInput
            label="Search"
            placeholder="Name or client id"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
          {shown.length === 0 && (
            <Text size="sm" role="status">
              No app matches “{search.trim()}”.
            </Text>
          )}
          {shown.length > 0 && (
            <Table.ScrollContainer minWidth={760}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Client id</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Users</Table.Th>
                    <Table.Th>Last activity</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((app) => (
                    <Table.Tr key={app.id}>
                      <Table.Td>
                        <Anchor
                          href={hrefFor({ screen: "app", id: app.id })}
                          onClick={(event) => {
                            event.preventDefault();
                            navigate({ screen: "app", id: app.id });
                          }}
                        >
                          {app.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <CopyValue value={app.clientId} label={`client id of ${app.name}`} />
                      </Table.Td>
                      <Table.Td>{app.type === "CONFIDENTIAL" ? "Confidential" : "Public"}</Table.Td>
                      <Table.Td>
                        <Badge color={app.isActive ? "green" : "gray"} variant="dot" miw="max-content">
                          {app.isActive ? "Active" : "Disabled"}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{app.activeGrantCount}</Table.Td>
                      <Table.Td>
                        {app.lastActivityAt ? (
                          <time dateTime={app.lastActivityAt}>{new Date(app.lastActivityAt).toLocaleString()}</time>
                        ) : (
                          "Never used"
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Stack>
  );
}

function matches(search: string, ...values: string[]): boolean {
  const needle = search.trim().toLowerCase();
  return needle === "" || values.some((value) => value.toLowerCase().includes(needle));
}
