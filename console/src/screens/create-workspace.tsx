import { Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { type MutationError, mutationError } from "../api.ts";
import { graphql } from "../graphql.ts";
import { navigate } from "../router.ts";
import { ErrorState } from "../states.tsx";
import { runMutation } from "../use-query.ts";
import { switchWorkspace } from "./workspace-switcher.tsx";

const CREATE = graphql(`
  mutation ConsoleCreateWorkspace($name: String!) {
    createOrganization(name: $name) {
      __typename
      ... on OrganizationPayload {
        organization {
          id
          slug
        }
      }
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

/**
 * A new workspace, owned by the person who creates it; the console switches to it at once. `first`: the person
 * belongs to none yet, so there is nothing to cancel back to.
 */
export function CreateWorkspaceScreen({ first = false }: { readonly first?: boolean }) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MutationError | null>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = (await runMutation(CREATE, { name })).createOrganization;
      const failed = mutationError(result);
      if (failed) setError(failed);
      else if (result.__typename === "OrganizationPayload") switchWorkspace(result.organization.slug);
    } catch (caught) {
      setError({ __typename: "Error", message: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack maw={560}>
      <Title order={2}>Create workspace</Title>
      {first && <Text fw={500}>Welcome to Latch. You don't belong to a workspace yet: create one to get started.</Text>}
      <Text size="sm">
        A workspace holds its own apps, scopes, webhooks, API keys and members. You become its owner, and can invite
        others later.
      </Text>
      <Paper withBorder p="md" component="form" onSubmit={submit}>
        <Stack>
          <TextInput
            label="Workspace name"
            required
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={error?.field === "name" ? error.message : undefined}
          />
          {error && error.field !== "name" && <ErrorState message={error.message} />}
          <Group>
            <Button type="submit" loading={busy}>
              Create workspace
            </Button>
            {!first && (
              <Button variant="default" onClick={() => navigate({ screen: "apps" })}>
                Cancel
              </Button>
            )}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
