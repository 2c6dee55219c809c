import { Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { navigate } from "../router.ts";
import { ErrorState } from "../states.tsx";
import { runMutation } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const SET_ACTIVE = graphql(`
  mutation ConsoleSetAppActive($id: ID!, $active: Boolean!) {
    setApplicationActive(id: $id, active: $active) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteApp($id: ID!) {
    deleteApplication(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** Disable or re-enable the app, or delete it after typing its name. */
export function DangerZonePanel(props: { app: { id: string; name: string; isActive: boolean }; onChange(): void }) {
  const [typed, setTyped] = useState("");
  const action = useAction();
  const { app } = props;
  return (
    <Stack>
      {action.error && <ErrorState message={action.error} />}
      <Paper withBorder p="md">
        <Stack gap="xs" align="flex-start">
          <Title order={3} size="h5">
            {app.isActive ? "Disable the app" : "Enable the app"}
          </Title>
          <Text size="sm">
            {app.isActive
              ? "Its users cannot sign in to it and its tokens stop working at once; enabling it again does not bring the old tokens back."
              : "It can run its flows again; tokens issued before it was disabled stay refused."}
          </Text>
          <Button
            variant="light"
            color={app.isActive ? "red" : "green"}
            loading={action.busy}
            onClick={() =>
              void action.run(
                async () => (await runMutation(SET_ACTIVE, { id: app.id, active: !app.isActive })).setApplicationActive,
                props.onChange,
              )
            }
          >
            {app.isActive ? "Disable" : "Enable"}
          </Button>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={3} size="h5">
            Delete the app
          </Title>
          <Text size="sm">
            Every token, grant, secret and redirect URI of {app.name} goes with it, and every token stops working at
            once. This cannot be undone.
          </Text>
          <Group align="flex-end">
            <TextInput
              label={`Type ${app.name} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              style={{ flex: 1, minWidth: 200 }}
            />
            <Button
              color="red"
              disabled={typed !== app.name}
              loading={action.busy}
              onClick={() =>
                void action.run(
                  async () => (await runMutation(DELETE, { id: app.id })).deleteApplication,
                  () => navigate({ screen: "apps" }),
                )
              }
            >
              Delete app
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
