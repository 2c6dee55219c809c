import {
  Badge,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { graphql } from "../graphql.ts";
import { EmptyState, ErrorState, LoadingState, SuccessNote } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const MEMBERS = graphql(`
  query ConsoleMembers {
    organization {
      memberships(first: 100) {
        edges {
          node {
            id
            email
            displayName
            role
            isViewer
            createdAt
          }
        }
      }
      invitations(first: 100) {
        edges {
          node {
            id
            email
            role
            expiresAt
          }
        }
      }
    }
  }
`);

const INVITE = graphql(`
  mutation ConsoleInviteMember($email: String!, $role: MembershipRole!) {
    inviteMember(email: $email, role: $role) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const RESEND = graphql(`
  mutation ConsoleResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation ConsoleRevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const CHANGE_ROLE = graphql(`
  mutation ConsoleChangeMemberRole($id: ID!, $role: MembershipRole!) {
    changeMemberRole(id: $id, role: $role) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const REMOVE = graphql(`
  mutation ConsoleRemoveMember($id: ID!) {
    removeMember(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

type Role = "OWNER" | "ADMIN" | "MEMBER";
const ROLES: { value: Role; label: string }[] = [
  { value: "MEMBER", label: "Member" },
  { value: "ADMIN", label: "Admin" },
  { value: "OWNER", label: "Owner" },
];
const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.label ?? role;

/** The workspace's members (change role, remove) and its invitations (invite by email, resend, revoke). */
export function MembersScreen() {
  const list = useQuery(MEMBERS);
  const action = useAction();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("MEMBER");
  const [note, setNote] = useState<string | null>(null);
  const done = (message: string) => () => {
    setNote(message);
    list.reload();
  };
  const invite = (event: React.FormEvent) => {
    event.preventDefault();
    setNote(null);
    const address = email.trim();
    void action.run(
      async () => (await runMutation(INVITE, { email: address, role })).inviteMember,
      () => {
        setEmail("");
        done(`Invitation sent to ${address}`)();
      },
    );
  };
  return (
    <Stack>
      <Title order={2}>Members</Title>
      <Paper withBorder p="md" component="form" onSubmit={invite} aria-label="Invite a member">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Email address"
            type="email"
            required
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            miw={240}
          />
          <NativeSelect
            label="Role"
            data={ROLES}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          />
          <Button type="submit" loading={action.busy} disabled={email.trim() === ""}>
            Send invitation
          </Button>
        </Group>
        <Text size="sm" c="dimmed" mt="xs">
          The link in the email works once, for 7 days. People without an account create one when they accept.
        </Text>
      </Paper>
      {action.error && <ErrorState message={action.error} />}
      {note && <SuccessNote title={note} />}
      {list.status === "loading" && <LoadingState label="Loading members" />}
      {list.status === "error" && <ErrorState message={list.message} onRetry={list.reload} />}
      {list.status === "done" && (
        <>
          <Title order={3}>Pending invitations</Title>
          {list.data.organization.invitations.edges.length === 0 ? (
            <EmptyState title="No pending invitations">
              <Text size="sm" c="dimmed">
                Invite a colleague by email above.
              </Text>
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table aria-label="Pending invitations">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.organization.invitations.edges.map(({ node: invitation }) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>{roleLabel(invitation.role)}</Table.Td>
                      <Table.Td>{new Date(invitation.expiresAt).toLocaleDateString()}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="light"
                            aria-label={`Resend the invitation to ${invitation.email}`}
                            onClick={() =>
                              void action.run(
                                async () => (await runMutation(RESEND, { id: invitation.id })).resendInvitation,
                                done(`Invitation sent again to ${invitation.email}`),
                              )
                            }
                          >
                            Resend
                          </Button>
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            aria-label={`Revoke the invitation to ${invitation.email}`}
                            onClick={() =>
                              void action.run(
                                async () => (await runMutation(REVOKE, { id: invitation.id })).revokeInvitation,
                                done(`Invitation to ${invitation.email} revoked`),
                              )
                            }
                          >
                            Revoke
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Title order={3}>Members</Title>
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.organization.memberships.edges.map(({ node: member }) => (
                  <Table.Tr key={member.id}>
                    <Table.Td>
                      {member.displayName}{" "}
                      {member.isViewer && (
                        <Badge size="sm" variant="outline" color="gray.8">
                          You
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{member.email}</Table.Td>
                    <Table.Td>
                      <NativeSelect
                        aria-label={`Role of ${member.email}`}
                        size="xs"
                        data={ROLES}
                        value={member.role}
                        onChange={(e) => {
                          const next = e.currentTarget.value as Role;
                          void action.run(
                            async () =>
                              (await runMutation(CHANGE_ROLE, { id: member.id, role: next })).changeMemberRole,
                            done(`${member.email} is now ${roleLabel(next).toLowerCase()}`),
                          );
                        }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        aria-label={`Remove ${member.email}`}
                        onClick={() =>
                          void action.run(
                            async () => (await runMutation(REMOVE, { id: member.id })).removeMember,
                            done(`${member.email} removed`),
                          )
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
        </>
      )}
    </Stack>
  );
}
