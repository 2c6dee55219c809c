import { Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { forgetOrganization } from "../api.ts";
import { graphql } from "../graphql.ts";
import { hrefFor } from "../router.ts";
import { ErrorState, SuccessNote } from "../states.tsx";
import { runMutation } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const RENAME = graphql(`
  mutation ConsoleRenameWorkspace($id: ID!, $name: String!) {
    updateOrganization(id: $id, name: $name) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteWorkspace($id: ID!, $confirmName: String!) {
    deleteOrganization(id: $id, confirmName: $confirmName) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** The current workspace's settings: rename it; delete it (owners) after typing its name. */
export function WorkspaceSettingsScreen(props: {
  organization: { id: string; name: string; slug: string };
  role: string | null;
  onChange(): void;
}) {
  const { organization } = props;
  const [name, setName] = useState(organization.name);
  const [typed, setTyped] = useState("");
  const [renamed, setRenamed] = useState(false);
  const rename = useAction();
  const remove = useAction();
  return (
    <Stack maw={640}>
      <Title order={2}>Workspace settings</Title>
      <Paper
        withBorder
        p="md"
        component="form"
        onSubmit={(event: React.FormEvent) => {
          event.preventDefault();
          setRenamed(false);
          void rename.run(
            async () => (await runMutation(RENAME, { id: organization.id, name })).updateOrganization,
            () => {
              setRenamed(true);
              props.onChange();
            },
          );
        }}
      >
        <Stack>
          <TextInput
            label="Workspace name"
            required
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Text size="sm" c="dimmed">
            Its slug, <code>{organization.slug}</code>, stays the same, so scripts sending it as the Latch-Organization
            header keep working.
          </Text>
          {rename.error && <ErrorState message={rename.error} />}
          {renamed && <SuccessNote title="Workspace renamed" />}
          <Group>
            <Button type="submit" loading={rename.busy}>
              Save name
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="xs" align="flex-start">
          <Title order={3} size="h5">
            Delete the workspace
          </Title>
          <Text size="sm">
            Deletes its apps (every token they issued stops working at once), the grants given for it, its members, API
            keys, webhooks and integrations. This cannot be undone. Only an owner can, and not their only workspace.
          </Text>
          {props.role !== "OWNER" && (
            <Text size="sm" c="dimmed">
              You are not an owner of this workspace.
            </Text>
          )}
          <TextInput
            label={`Type ${organization.name} to confirm`}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            w="100%"
          />
          {remove.error && <ErrorState message={remove.error} />}
          <Button
            color="red"
            disabled={typed !== organization.name}
            loading={remove.busy}
            onClick={() =>
              void remove.run(
                async () => (await runMutation(DELETE, { id: organization.id, confirmName: typed })).deleteOrganization,
                () => {
                  forgetOrganization();
                  window.location.assign(hrefFor({ screen: "apps" }));
                },
              )
            }
          >
            Delete workspace
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
