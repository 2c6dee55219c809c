import { Button, Group, Paper, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { mutationError } from "../api.ts";
import { graphql } from "../graphql.ts";
import { runMutation } from "../use-query.ts";
import { CopyValue } from "./copy-value.tsx";

const ADD = graphql(`
  mutation ConsoleAddRedirectUri($applicationId: ID!, $uri: String!) {
    addRedirectUri(applicationId: $applicationId, uri: $uri) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const REMOVE = graphql(`
  mutation ConsoleRemoveRedirectUri($id: ID!) {
    removeRedirectUri(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

type RedirectUri = { id: string; uri: string; advice: string | null; createdAt: string; lastUsedAt: string | null };

/** Add and remove an app's redirect URIs; the exact-match rule is said where the URI is typed. */
export function RedirectUrisPanel(props: {
  applicationId: string;
  redirectUris: readonly RedirectUri[];
  onChange(): void;
}) {
  const [uri, setUri] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<{ __typename: string }>, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      const failed = mutationError(await run());
      if (failed) setError(failed.message);
      else {
        after?.();
        props.onChange();
      }
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const add = (event: React.FormEvent) => {
    event.preventDefault();
    void act(
      async () => (await runMutation(ADD, { applicationId: props.applicationId, uri: uri.trim() })).addRedirectUri,
      () => setUri(""),
    );
  };
  return (
    <Stack>
      <Paper withBorder p="md" component="form" onSubmit={add}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Add a redirect URI"
            description="Compared exactly as written: scheme, host, port, path and query must match the request."
            placeholder="https://app.example.com/callback"
            value={uri}
            onChange={(e) => setUri(e.currentTarget.value)}
            error={error}
            style={{ flex: 1, minWidth: 240 }}
          />
          <Button type="submit" loading={busy} disabled={uri.trim() === ""}>
            Add
          </Button>
        </Group>
      </Paper>
      {props.redirectUris.length === 0 ? (
        <Text size="sm" c="dimmed">
          No redirect URIs yet: the app cannot run the authorization code flow until it has one.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>URI</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.redirectUris.map((redirect) => (
                <Table.Tr key={redirect.id}>
                  <Table.Td>
                    <CopyValue value={redirect.uri} label={`redirect URI ${redirect.uri}`} />
                    {redirect.advice ? (
                      <Text size="xs" c="orange.9" mt={4}>
                        {redirect.advice}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{redirect.lastUsedAt ? new Date(redirect.lastUsedAt).toLocaleString() : "never"}</Table.Td>
                  <Table.Td>
                    <Button
                      variant="light"
                      color="red"
                      size="xs"
                      aria-label={`Remove ${redirect.uri}`}
                      onClick={() =>
                        void act(async () => (await runMutation(REMOVE, { id: redirect.id })).removeRedirectUri)
                      }
                    >
                      Remove
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
