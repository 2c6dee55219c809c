import { Button, Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const GRANTS = graphql(`
  query ConsoleAppGrants($applicationId: ID!) {
    grants(filter: { applicationId: $applicationId, active: true }, first: 100) {
      totalCount
      edges {
        node {
          id
          scopes
          createdAt
          workspaceName
          user {
            id
            displayName
            email
          }
        }
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation ConsoleRevokeGrant($id: ID!) {
    revokeGrant(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const REVOKE_USER = graphql(`
  mutation ConsoleRevokeUserGrants($applicationId: ID!, $userId: String!) {
    revokeUserGrants(applicationId: $applicationId, userId: $userId) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const REVOKE_ALL = graphql(`
  mutation ConsoleRevokeAppGrants($applicationId: ID!) {
    revokeApplicationGrants(applicationId: $applicationId) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** Who authorized the app, with which scopes and for which workspace; revoke one, all of a user's, or all. */
export function GrantsPanel({ applicationId }: { applicationId: string }) {
  const grants = useQuery(GRANTS, { applicationId });
  const action = useAction();
  if (grants.status === "loading") return <LoadingState label="Loading who authorized the app" />;
  if (grants.status === "error") return <ErrorState message={grants.message} onRetry={grants.reload} />;
  const rows = grants.data.grants.edges.map((edge) => edge.node);
  if (rows.length === 0) {
    return (
      <EmptyState title="Nobody has authorized this app yet">
        <Text size="sm" c="dimmed">
          Users appear here once they consent on the authorization page.
        </Text>
      </EmptyState>
    );
  }
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">
          {grants.data.grants.totalCount} active {grants.data.grants.totalCount === 1 ? "grant" : "grants"}. Revoking
          one stops its tokens at once.
        </Text>
        <Button
          variant="light"
          color="red"
          loading={action.busy}
          onClick={() =>
            void action.run(
              async () => (await runMutation(REVOKE_ALL, { applicationId })).revokeApplicationGrants,
              grants.reload,
            )
          }
        >
          Revoke all
        </Button>
      </Group>
      {action.error && <ErrorState message={action.error} />}
      <Table.ScrollContainer minWidth={720}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Workspace</Table.Th>
              <Table.Th>Since</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((grant) => (
              <Table.Tr key={grant.id}>
                <Table.Td>
                  <Text size="sm">{grant.user.displayName}</Text>
                  <Text size="xs" c="dimmed">
                    {grant.user.email}
                  </Text>
                </Table.Td>
                <Table.Td>{grant.scopes.join(" ")}</Table.Td>
                <Table.Td>{grant.workspaceName ?? "none"}</Table.Td>
                <Table.Td>{new Date(grant.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      aria-label={`Revoke the grant of ${grant.user.email}`}
                      onClick={() =>
                        void action.run(
                          async () => (await runMutation(REVOKE, { id: grant.id })).revokeGrant,
                          grants.reload,
                        )
                      }
                    >
                      Revoke
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`All of this user: revoke every grant of ${grant.user.email}`}
                      onClick={() =>
                        void action.run(
                          async () =>
                            (await runMutation(REVOKE_USER, { applicationId, userId: grant.user.id })).revokeUserGrants,
                          grants.reload,
                        )
                      }
                    >
                      All of this user
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
