import { Button, Group, MultiSelect, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { SecretOnce } from "./secret-once.tsx";
import { useAction } from "./use-action.ts";

const KEYS = graphql(`
  query ConsoleApiKeys {
    apiKeys(first: 100) {
      edges {
        node {
          id
          name
          scopes
          last4
          createdAt
          expiresAt
          lastUsedAt
        }
      }
    }
  }
`);

const CREATE = graphql(`
  mutation ConsoleCreateApiKey($name: String!, $scopes: [String!]!) {
    createApiKey(name: $name, scopes: $scopes) {
      __typename
      ... on CreateApiKeyPayload {
        key
      }
      ... on Error {
        message
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation ConsoleRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const SCOPES = ["apps:read", "apps:write", "grants:read", "grants:write", "webhooks:write", "admin"];

/** The organization's API keys for scripts and the Pulumi provider: the key shown once, revoke. */
export function ApiKeysScreen() {
  const keys = useQuery(KEYS);
  const action = useAction();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["apps:read"]);
  const [shown, setShown] = useState<string | null>(null);
  const create = (event: React.FormEvent) => {
    event.preventDefault();
    void action.run(
      async () => (await runMutation(CREATE, { name, scopes })).createApiKey,
      (result) => {
        if (result.__typename === "CreateApiKeyPayload") setShown(result.key);
        setName("");
      },
    );
  };
  return (
    <Stack>
      <Title order={2}>API keys</Title>
      {shown ? (
        <Paper withBorder p="md">
          <SecretOnce
            secret={shown}
            what="API key"
            onDone={() => {
              setShown(null);
              keys.reload();
            }}
          />
        </Paper>
      ) : (
        <Paper withBorder p="md" component="form" onSubmit={create}>
          <Group align="flex-end" wrap="wrap">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <MultiSelect label="Scopes" data={SCOPES} value={scopes} onChange={setScopes} miw={240} />
            <Button type="submit" loading={action.busy} disabled={name.trim() === "" || scopes.length === 0}>
              Create key
            </Button>
          </Group>
        </Paper>
      )}
      {action.error && <ErrorState message={action.error} />}
      {keys.status === "loading" && <LoadingState label="Loading API keys" />}
      {keys.status === "error" && <ErrorState message={keys.message} onRetry={keys.reload} />}
      {keys.status === "done" && keys.data.apiKeys.edges.length === 0 && (
        <EmptyState title="No API keys">
          <Text size="sm" c="dimmed">
            Scripts, CI and the Pulumi provider call the GraphQL API with a key.
          </Text>
        </EmptyState>
      )}
      {keys.status === "done" && keys.data.apiKeys.edges.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.apiKeys.edges.map(({ node: key }) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>•••• {key.last4}</Table.Td>
                  <Table.Td>{key.scopes.join(" ")}</Table.Td>
                  <Table.Td>{key.expiresAt ? new Date(key.expiresAt).toLocaleString() : "never"}</Table.Td>
                  <Table.Td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "never"}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() =>
                        void action.run(
                          async () => (await runMutation(REVOKE, { id: key.id })).revokeApiKey,
                          keys.reload,
                        )
                      }
                    >
                      Revoke
                    </Button>
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
