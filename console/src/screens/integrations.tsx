import { Alert, Button, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { graphql, type ResultOf } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState, SuccessNote } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { CopyValue } from "./copy-value.tsx";
import { IntegrationForm, type IntegrationValues } from "./integration-form.tsx";
import { describeTest } from "./integration-test-result.ts";
import { TryConnectResult, useTryConnect } from "./try-connect.tsx";
import { useAction } from "./use-action.ts";
import { maskedLast4 } from "./write-only-secret-input.tsx";

const INTEGRATIONS = graphql(`
  query ConsoleIntegrations {
    upstreamRedirectUri
    integrations(first: 100) {
      totalCount
      edges {
        node {
          id
          domain
          clientId
          clientSecret
          authorizeUrl
          tokenUrl
          revocationUrl
          scopes
          grantType
          username
          hasPassword
          audience
          connectUrl
        }
      }
    }
  }
`);

const TEST = graphql(`
  mutation ConsoleTestIntegration($id: ID!) {
    testIntegration(integrationId: $id) {
      __typename
      ... on TestIntegrationPayload {
        ok
        grantType
        tokenType
        expiresIn
        scopes
        error {
          code
          message
          upstreamError
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteIntegration($id: ID!) {
    deleteIntegration(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

type Tested = Extract<ResultOf<typeof TEST>["testIntegration"], { __typename: "TestIntegrationPayload" }>;

const GRANT_LABELS = {
  AUTHORIZATION_CODE: "Authorization code",
  CLIENT_CREDENTIALS: "Client credentials",
  PASSWORD: "Password",
} as const;

/**
 * Organization → OAuth credentials (seed 004): the organization's OAuth clients at upstream services, the one
 * redirect URI to register there, and a test that asks the upstream for a token.
 */
export function IntegrationsScreen() {
  const list = useQuery(INTEGRATIONS);
  const action = useAction();
  const [editing, setEditing] = useState<IntegrationValues | "new" | null>(null);
  const [tested, setTested] = useState<{ domain: string; result: Tested } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const connect = useTryConnect();

  const test = (integration: IntegrationValues) => {
    connect.clear();
    setTested(null);
    setSaved(null);
    void action.run(
      async () => (await runMutation(TEST, { id: integration.id })).testIntegration,
      (result) => {
        if (result.__typename === "TestIntegrationPayload") setTested({ domain: integration.domain, result });
      },
    );
  };
  const tryConnect = (integration: { domain: string; connectUrl: string | null }) => {
    if (!integration.connectUrl) return;
    setTested(null);
    setSaved(null);
    connect.start(integration.domain, integration.connectUrl);
  };
  const remove = (integration: IntegrationValues) => {
    if (!window.confirm(`Delete ${integration.domain}? Its connections are revoked and dropped.`)) return;
    setTested(null);
    void action.run(
      async () => (await runMutation(DELETE, { id: integration.id })).deleteIntegration,
      () => {
        setSaved(`${integration.domain} deleted`);
        list.reload();
      },
    );
  };
  const explained = tested && describeTest(tested.domain, tested.result);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>OAuth credentials</Title>
        {editing === null && list.status === "done" && (
          <Button
            onClick={() => {
              setTested(null);
              setSaved(null);
              setEditing("new");
            }}
          >
            Add credentials
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        The organization's OAuth clients at upstream services (integrations). Latch keeps their tokens for your users
        and services; secrets are write-only.
      </Text>
      {list.status === "loading" && <LoadingState label="Loading OAuth credentials" />}
      {list.status === "error" && <ErrorState message={list.message} onRetry={list.reload} />}
      {list.status === "done" && (
        <>
          <Paper withBorder p="md">
            <Stack gap={4}>
              <Text fw={600} size="sm" id="redirect-uri-label">
                Redirect URI
              </Text>
              <Text size="xs" c="dimmed">
                Register this one URI at every upstream: it is the same for all integrations.
              </Text>
              <CopyValue value={list.data.upstreamRedirectUri} label="redirect URI" />
            </Stack>
          </Paper>
          {editing !== null && (
            <IntegrationForm
              key={editing === "new" ? "new" : editing.id}
              {...(editing !== "new" && { integration: editing })}
              onCancel={() => setEditing(null)}
              onSaved={() => {
                setSaved(editing === "new" ? "Credentials added" : "Changes saved");
                setEditing(null);
                list.reload();
              }}
            />
          )}
          {saved && <SuccessNote title={saved} />}
          {action.error && <ErrorState message={action.error} />}
          {connect.state && <TryConnectResult state={connect.state} />}
          {explained && (
            <Alert variant="outline" color={explained.ok ? "teal.9" : "red.9"} title={explained.title} role="status">
              <Text size="sm">{explained.detail}</Text>
            </Alert>
          )}
          {list.data.integrations.edges.length === 0 ? (
            <EmptyState title="No OAuth credentials yet">
              <Text size="sm" c="dimmed" ta="center">
                Add the client id and secret your upstream (GitHub, Slack, Salesforce…) gave you for the redirect URI
                above.
              </Text>
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table aria-label="OAuth credentials">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Domain</Table.Th>
                    <Table.Th>Client id</Table.Th>
                    <Table.Th>Secret</Table.Th>
                    <Table.Th>Grant type</Table.Th>
                    <Table.Th>Scopes</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.integrations.edges.map(({ node }) => (
                    <Table.Tr key={node.id}>
                      <Table.Td fw={600}>{node.domain}</Table.Td>
                      <Table.Td style={{ wordBreak: "break-all" }}>{node.clientId}</Table.Td>
                      <Table.Td style={{ whiteSpace: "nowrap" }}>{maskedLast4(node.clientSecret)}</Table.Td>
                      <Table.Td>
                        {GRANT_LABELS[node.grantType]}
                        {node.username && (
                          <Text size="xs" c="dimmed">
                            as {node.username}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{node.scopes.join(" ") || "none"}</Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Button
                            size="xs"
                            variant="light"
                            loading={action.busy}
                            onClick={() => test(node)}
                            aria-label={`Test ${node.domain}`}
                          >
                            Test
                          </Button>
                          {node.connectUrl && (
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => tryConnect(node)}
                              aria-label={`Try Connect with ${node.domain}`}
                            >
                              Try Connect
                            </Button>
                          )}
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => {
                              setSaved(null);
                              setTested(null);
                              setEditing(node);
                            }}
                            aria-label={`Edit ${node.domain}`}
                          >
                            Edit
                          </Button>
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            onClick={() => remove(node)}
                            aria-label={`Delete ${node.domain}`}
                          >
                            Delete
                          </Button>
                        </Group>
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
