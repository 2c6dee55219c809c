import { Badge, Button, Group, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { CopyValue } from "./copy-value.tsx";
import { IdentityProviderForm, kindLabel, type ProviderValues } from "./identity-provider-form.tsx";
import { useAction } from "./use-action.ts";
import { maskedLast4 } from "./write-only-secret-input.tsx";

const PROVIDERS = graphql(`
  query ConsoleIdentityProviders($id: ID!) {
    upstreamRedirectUri
    node(id: $id) {
      ... on Application {
        identityProviders {
          id
          kind
          displayName
          clientId
          clientSecretLast4
          issuer
          scopes
          enabled
          appleTeamId
          appleKeyId
        }
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteIdentityProvider($id: ID!) {
    deleteIdentityProvider(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/**
 * The app's sign-in providers ("Continue with Google" on its login page): list, add, edit with the secret kept when
 * left blank, and remove; with the one redirect URI to register at every provider.
 */
export function IdentityProvidersPanel({ applicationId }: { applicationId: string }) {
  const list = useQuery(PROVIDERS, { id: applicationId });
  const [editing, setEditing] = useState<ProviderValues | "new" | null>(null);
  const action = useAction();
  if (list.status === "loading") return <LoadingState label="Loading the sign-in providers" />;
  if (list.status === "error") return <ErrorState message={list.message} onRetry={list.reload} />;
  const providers = (list.data.node && "identityProviders" in list.data.node && list.data.node.identityProviders) || [];
  const done = () => {
    setEditing(null);
    list.reload();
  };
  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Redirect URI to register at each provider
          </Text>
          <CopyValue value={list.data.upstreamRedirectUri} label="provider redirect URI" />
        </Stack>
      </Paper>
      {editing !== null ? (
        <IdentityProviderForm
          key={editing === "new" ? "new" : editing.id}
          applicationId={applicationId}
          provider={editing === "new" ? undefined : editing}
          onSaved={done}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <Group>
          <Button onClick={() => setEditing("new")}>Add provider</Button>
        </Group>
      )}
      {action.error && <ErrorState message={action.error} />}
      {providers.length === 0 ? (
        <EmptyState title="No sign-in providers yet">
          <Text size="sm" c="dimmed" ta="center">
            Users sign in with their email and password. Add Google, GitHub, Microsoft, Apple, Discord or any OpenID
            Connect issuer to offer "Continue with …" on the login page.
          </Text>
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Client id</Table.Th>
                <Table.Th>Secret</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {providers.map((provider) => {
                const name = provider.displayName || kindLabel(provider.kind);
                return (
                  <Table.Tr key={provider.id}>
                    <Table.Td>
                      <Text size="sm">{name}</Text>
                      <Text size="xs" c="dimmed">
                        {provider.issuer ?? kindLabel(provider.kind)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: "break-all" }}>{provider.clientId}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{maskedLast4(provider.clientSecretLast4)}</Table.Td>
                    <Table.Td>
                      <Badge color={provider.enabled ? "green" : "gray"} variant="dot" miw="max-content">
                        {provider.enabled ? "Offered" : "Off"}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Edit ${name}`}
                          onClick={() => setEditing(provider)}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          aria-label={`Remove ${name}`}
                          loading={action.busy}
                          onClick={() =>
                            void action.run(
                              async () => (await runMutation(DELETE, { id: provider.id })).deleteIdentityProvider,
                              done,
                            )
                          }
                        >
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
