import { Badge, Button, Group, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { mutationError } from "../api.ts";
import { graphql } from "../graphql.ts";
import { ErrorState } from "../states.tsx";
import { runMutation } from "../use-query.ts";
import { SecretOnce } from "./secret-once.tsx";

const ROTATE = graphql(`
  mutation ConsoleRotateSecret($applicationId: ID!, $overlapSeconds: Int!) {
    rotateClientSecret(applicationId: $applicationId, overlapSeconds: $overlapSeconds) {
      __typename
      ... on RotateClientSecretPayload {
        secret
      }
      ... on Error {
        message
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation ConsoleRevokeSecret($id: ID!) {
    revokeClientSecret(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

type Secret = {
  id: string;
  name: string;
  last4: string;
  status: "ACTIVE" | "EXPIRED" | "REVOKED";
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
};

const ONE_DAY = 86_400;

/**
 * An app's client secrets: rotate with a day's overlap (a running deploy keeps working while it switches), or
 * replace now when one leaked (the others stop at once), and revoke one.
 */
export function ClientSecretsPanel(props: { applicationId: string; secrets: readonly Secret[]; onChange(): void }) {
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rotate = async (overlapSeconds: number) => {
    setBusy(true);
    setError(null);
    try {
      const { rotateClientSecret: result } = await runMutation(ROTATE, {
        applicationId: props.applicationId,
        overlapSeconds,
      });
      const failed = mutationError(result);
      if (failed) setError(failed.message);
      else if (result.__typename === "RotateClientSecretPayload") setShown(result.secret);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      const failed = mutationError((await runMutation(REVOKE, { id })).revokeClientSecret);
      if (failed) setError(failed.message);
      else props.onChange();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  if (shown) {
    return (
      <Paper withBorder p="md">
        <SecretOnce
          secret={shown}
          onDone={() => {
            setShown(null);
            props.onChange();
          }}
        />
      </Paper>
    );
  }
  return (
    <Stack>
      <Group>
        <Button loading={busy} onClick={() => void rotate(ONE_DAY)}>
          Rotate with overlap
        </Button>
        <Button loading={busy} color="red" variant="light" onClick={() => void rotate(0)}>
          Compromised: replace now
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Rotate mints a new secret and keeps the others working one more day, so a running deploy can switch over.
        "Replace now" mints a new secret and stops every other secret of the app at once.
      </Text>
      {error && <ErrorState message={error} />}
      <Table.ScrollContainer minWidth={640}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Secret</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.secrets.map((secret) => (
              <Table.Tr key={secret.id}>
                <Table.Td>{secret.name}</Table.Td>
                <Table.Td>•••• {secret.last4}</Table.Td>
                <Table.Td>
                  <Badge color={secret.status === "ACTIVE" ? "green" : "gray"} variant="dot" miw="max-content">
                    {secret.status.toLowerCase()}
                  </Badge>
                </Table.Td>
                <Table.Td>{new Date(secret.createdAt).toLocaleDateString()}</Table.Td>
                <Table.Td>{secret.expiresAt ? new Date(secret.expiresAt).toLocaleString() : "never"}</Table.Td>
                <Table.Td>{secret.lastUsedAt ? new Date(secret.lastUsedAt).toLocaleString() : "never"}</Table.Td>
                <Table.Td>
                  {secret.status === "ACTIVE" && (
                    <Button
                      variant="light"
                      color="red"
                      size="xs"
                      aria-label={`Revoke ${secret.name}`}
                      onClick={() => void revoke(secret.id)}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
