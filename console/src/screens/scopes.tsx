import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const CATALOGUE = graphql(`
  query ConsoleScopes {
    scopes {
      name
      description
      kind
      builtIn
      scope {
        id
      }
    }
  }
`);

const CREATE = graphql(`
  mutation ConsoleCreateScope($name: String!, $description: String!) {
    createScope(name: $name, description: $description) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation ConsoleUpdateScope($id: ID!, $description: String!) {
    updateScope(id: $id, description: $description) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const DELETE = graphql(`
  mutation ConsoleDeleteScope($id: ID!) {
    deleteScope(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** The organization's scope catalogue: the built-ins, and its own scopes (add, reword, delete). */
export function ScopesScreen() {
  const catalogue = useQuery(CATALOGUE);
  const action = useAction();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = (event: React.FormEvent) => {
    event.preventDefault();
    void action.run(
      async () => (await runMutation(CREATE, { name: name.trim(), description: description.trim() })).createScope,
      () => {
        setName("");
        setDescription("");
        catalogue.reload();
      },
    );
  };
  const custom = catalogue.status === "done" ? catalogue.data.scopes.filter((scope) => !scope.builtIn) : [];
  const builtIn = catalogue.status === "done" ? catalogue.data.scopes.filter((scope) => scope.builtIn) : [];
  return (
    <Stack>
      <Title order={2}>Scopes</Title>
      <Text size="sm" c="dimmed">
        Apps request scopes by name; people see each description on the consent page.
      </Text>
      <Paper withBorder p="md" component="form" onSubmit={create} aria-label="Add a scope">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Name"
            description="Lowercase letters, digits or :._-"
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <TextInput
            label="Description"
            description="Shown to people when they consent"
            required
            miw={280}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <Button type="submit" loading={action.busy} disabled={!name.trim() || !description.trim()}>
            Add scope
          </Button>
        </Group>
      </Paper>
      {action.error && <ErrorState message={action.error} />}
      {catalogue.status === "loading" && <LoadingState label="Loading scopes" />}
      {catalogue.status === "error" && <ErrorState message={catalogue.message} onRetry={catalogue.reload} />}
      {catalogue.status === "done" && (
        <>
          <Title order={3}>Your scopes</Title>
          {custom.length === 0 ? (
            <EmptyState title="No scopes of your own">
              <Text size="sm" c="dimmed">
                Add one for what your own APIs protect, such as invoices:read.
              </Text>
            </EmptyState>
          ) : (
            <ScopeTable
              label="Your scopes"
              rows={custom}
              onSave={(id, text, done) =>
                action.run(
                  async () => (await runMutation(UPDATE, { id, description: text })).updateScope,
                  () => {
                    done();
                    catalogue.reload();
                  },
                )
              }
              onDelete={(id) =>
                action.run(async () => (await runMutation(DELETE, { id })).deleteScope, catalogue.reload)
              }
            />
          )}
          <Title order={3}>Built in</Title>
          <ScopeTable label="Built-in scopes" rows={builtIn} />
        </>
      )}
    </Stack>
  );
}

type Row = { name: string; description: string; kind: string; scope: { id: string } | null };

function ScopeTable({
  label,
  rows,
  onSave,
  onDelete,
}: {
  label: string;
  rows: readonly Row[];
  onSave?: (id: string, description: string, done: () => void) => Promise<void>;
  onDelete?: (id: string) => Promise<void>;
}) {
  return (
    <Table.ScrollContainer minWidth={560} scrollAreaProps={{ viewportProps: { tabIndex: 0, "aria-label": label } }}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Kind</Table.Th>
            {onSave && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <ScopeRow key={row.name} row={row} onSave={onSave} onDelete={onDelete} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ScopeRow({
  row,
  onSave,
  onDelete,
}: {
  row: Row;
  onSave?: (id: string, description: string, done: () => void) => Promise<void>;
  onDelete?: (id: string) => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const id = row.scope?.id;
  return (
    <Table.Tr>
      <Table.Td>
        <Text ff="monospace" size="sm">
          {row.name}
        </Text>
      </Table.Td>
      <Table.Td>
        {editing === null ? (
          row.description
        ) : (
          <TextInput
            aria-label={`Description of ${row.name}`}
            value={editing}
            onChange={(event) => setEditing(event.currentTarget.value)}
          />
        )}
      </Table.Td>
      <Table.Td>
        <Badge variant="light">{row.kind.toLowerCase()}</Badge>
      </Table.Td>
      {onSave && onDelete && id && (
        <Table.Td>
          <Group gap={4} wrap="nowrap">
            {editing === null ? (
              <Button
                size="xs"
                variant="light"
                aria-label={`Edit ${row.name}`}
                onClick={() => setEditing(row.description)}
              >
                Edit
              </Button>
            ) : (
              <Button
                size="xs"
                aria-label={`Save ${row.name}`}
                disabled={!editing.trim()}
                onClick={() => void onSave(id, editing.trim(), () => setEditing(null))}
              >
                Save
              </Button>
            )}
            <Button
              size="xs"
              variant="light"
              color="red"
              aria-label={`Delete ${row.name}`}
              onClick={() => void onDelete(id)}
            >
              Delete
            </Button>
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}
