import { Badge, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { graphql } from "../graphql.ts";
import { ErrorState, LoadingState } from "../states.tsx";
import { useQuery } from "../use-query.ts";
import { BrandingPanel } from "./branding-panel.tsx";
import { ClientSecretsPanel } from "./client-secrets-panel.tsx";
import { CopyValue } from "./copy-value.tsx";
import { DangerZonePanel } from "./danger-zone-panel.tsx";
import { GrantsPanel } from "./grants-panel.tsx";
import { IdentityProvidersPanel } from "./identity-providers-panel.tsx";
import { RedirectUrisPanel } from "./redirect-uris-panel.tsx";
import { SettingsPanel } from "./settings-panel.tsx";
import { UsagePanel } from "./usage-panel.tsx";
import { WebhooksScreen } from "./webhooks.tsx";

export const APP_DETAIL = graphql(`
  query ConsoleAppDetail($id: ID!) {
    application(id: $id) {
      id
      name
      description
      clientId
      type
      isActive
      createdAt
      grantTypes
      allowedScopes
      accessTokenFormat
      accessTokenTtl
      refreshTokenTtl
      refreshTokenRotation
      refreshReuseInterval
      tokenEndpointAuthMethod
      isResourceServer
      activeGrantCount
      logoUrl
      primaryColor
      secondaryColor
      homepageUrl
      privacyPolicyUrl
      termsOfServiceUrl
      redirectUris {
        id
        uri
        advice
        createdAt
        lastUsedAt
      }
      clientSecrets {
        id
        name
        last4
        status
        createdAt
        expiresAt
        lastUsedAt
      }
    }
  }
`);

/** One app: its overview, redirect URIs and client secrets. */
export function AppDetailScreen({ id }: { id: string }) {
  const detail = useQuery(APP_DETAIL, { id });
  if (detail.status === "loading") return <LoadingState label="Loading the app" />;
  if (detail.status === "error") return <ErrorState message={detail.message} onRetry={detail.reload} />;
  const app = detail.data.application;
  if (!app) return <ErrorState message="This app does not exist in this workspace, or it was deleted." />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{app.name}</Title>
        <Badge color={app.isActive ? "green" : "gray"} variant="dot" miw="max-content">
          {app.isActive ? "Active" : "Disabled"}
        </Badge>
      </Group>
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
          <Tabs.Tab value="branding">Branding</Tabs.Tab>
          <Tabs.Tab value="redirect-uris">Redirect URIs</Tabs.Tab>
          {app.type === "CONFIDENTIAL" && <Tabs.Tab value="secrets">Client secrets</Tabs.Tab>}
          <Tabs.Tab value="sign-in">Sign-in providers</Tabs.Tab>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="usage">Usage</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
          <Tabs.Tab value="danger">Danger zone</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <Field label="Client id">
                <CopyValue value={app.clientId} label="client id" />
              </Field>
              <Field label="Type">{app.type === "CONFIDENTIAL" ? "Confidential" : "Public (PKCE)"}</Field>
              <Field label="Access tokens">{app.accessTokenFormat === "JWT" ? "JWT (RFC 9068)" : "Opaque"}</Field>
              <Field label="Users who authorized it">{app.activeGrantCount}</Field>
              <Field label="Grant types">{app.grantTypes.join(", ") || "none"}</Field>
              <Field label="Allowed scopes">{app.allowedScopes.join(" ") || "none"}</Field>
              <Field label="Created">{new Date(app.createdAt).toLocaleString()}</Field>
              {app.description && <Field label="Description">{app.description}</Field>}
            </SimpleGrid>
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <SettingsPanel app={app} onChange={detail.reload} />
        </Tabs.Panel>
        <Tabs.Panel value="branding" pt="md">
          <BrandingPanel app={app} onChange={detail.reload} />
        </Tabs.Panel>
        <Tabs.Panel value="redirect-uris" pt="md">
          <RedirectUrisPanel applicationId={app.id} redirectUris={app.redirectUris} onChange={detail.reload} />
        </Tabs.Panel>
        {app.type === "CONFIDENTIAL" && (
          <Tabs.Panel value="secrets" pt="md">
            <ClientSecretsPanel applicationId={app.id} secrets={app.clientSecrets} onChange={detail.reload} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="sign-in" pt="md">
          <IdentityProvidersPanel applicationId={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <GrantsPanel applicationId={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="usage" pt="md">
          <UsagePanel applicationId={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksScreen application={{ id: app.id, name: app.name }} />
        </Tabs.Panel>
        <Tabs.Panel value="danger" pt="md">
          <DangerZonePanel app={app} onChange={detail.reload} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}
