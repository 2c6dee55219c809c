import { Anchor, AppShell, Burger, Group, NavLink, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { lazy, Suspense } from "react";
import { graphql } from "./graphql.ts";
import { hrefFor, navigate, type Route, useRoute } from "./router.ts";
import { ApiKeysScreen } from "./screens/api-keys.tsx";
import { AppDetailScreen } from "./screens/app-detail.tsx";
import { AppsScreen } from "./screens/apps.tsx";
import { AuditLogScreen } from "./screens/audit-log.tsx";
import { CreateAppScreen } from "./screens/create-app.tsx";
import { CreateWorkspaceScreen } from "./screens/create-workspace.tsx";
import { IntegrationsScreen } from "./screens/integrations.tsx";
import { MembersScreen } from "./screens/members.tsx";
import { ScopesScreen } from "./screens/scopes.tsx";
import { WebhookDetailScreen } from "./screens/webhook-detail.tsx";
import { WebhooksScreen } from "./screens/webhooks.tsx";
import { WorkspaceSettingsScreen } from "./screens/workspace-settings.tsx";
import { WorkspaceSwitcher } from "./screens/workspace-switcher.tsx";
import { ErrorState, LoadingState } from "./states.tsx";
import { useQuery } from "./use-query.ts";

/** The explorer (and graphql-js's introspection helpers) loads only when opened: the first screen stays small. */
const ExplorerScreen = lazy(() =>
  import("./screens/explorer.tsx").then((module) => ({ default: module.ExplorerScreen })),
);

const VIEWER = graphql(`
  query ConsoleViewer {
    viewer {
      kind
      scopes
      organization {
        id
        name
        slug
      }
      organizations {
        isCurrent
        role
        organization {
          id
          name
          slug
        }
      }
    }
  }
`);

type ViewerData = { viewer: { organizations: readonly { isCurrent: boolean; role: string | null }[] } };

/** The console's frame: who is signed in, in which workspace, the navigation, and the screen of the URL. */
export function ConsoleApp() {
  const route = useRoute();
  const viewer = useQuery(VIEWER);
  const [opened, { toggle, close }] = useDisclosure();
  const go = (target: Route) => (event: React.MouseEvent) => {
    event.preventDefault();
    close();
    navigate(target);
  };
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              Latch
            </Title>
            {viewer.status === "done" &&
              (viewer.data.viewer.organizations.length > 1 ? (
                <WorkspaceSwitcher workspaces={viewer.data.viewer.organizations} />
              ) : (
                <Text size="sm" c="dimmed" truncate>
                  {viewer.data.viewer.organization?.name ?? "No workspace yet"}
                </Text>
              ))}
          </Group>
          <Anchor href="/logout" size="sm">
            Sign out
          </Anchor>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Console">
        {/* A person in no workspace yet has only "Create workspace" to go to. */}
        {(viewer.status !== "done" || viewer.data.viewer.organization) && (
          <>
            <NavLink
              href={hrefFor({ screen: "apps" })}
              label="OAuth apps"
              active={route.screen === "apps" || route.screen === "app" || route.screen === "create-app"}
              onClick={go({ screen: "apps" })}
            />
            <NavLink
              href={hrefFor({ screen: "api-keys" })}
              label="API keys"
              active={route.screen === "api-keys"}
              onClick={go({ screen: "api-keys" })}
            />
            <NavLink
              href={hrefFor({ screen: "webhooks" })}
              label="Webhooks"
              active={route.screen === "webhooks" || route.screen === "webhook"}
              onClick={go({ screen: "webhooks" })}
            />
            <NavLink
              href={hrefFor({ screen: "integrations" })}
              label="OAuth credentials"
              active={route.screen === "integrations"}
              onClick={go({ screen: "integrations" })}
            />
            <NavLink
              href={hrefFor({ screen: "scopes" })}
              label="Scopes"
              active={route.screen === "scopes"}
              onClick={go({ screen: "scopes" })}
            />
            <NavLink
              href={hrefFor({ screen: "audit-log" })}
              label="Audit log"
              active={route.screen === "audit-log"}
              onClick={go({ screen: "audit-log" })}
            />
            <NavLink
              href={hrefFor({ screen: "members" })}
              label="Members"
              active={route.screen === "members"}
              onClick={go({ screen: "members" })}
            />
            <NavLink
              href={hrefFor({ screen: "workspace-settings" })}
              label="Workspace settings"
              active={route.screen === "workspace-settings"}
              onClick={go({ screen: "workspace-settings" })}
            />
          </>
        )}
        {viewer.status === "done" && viewer.data.viewer.kind === "USER" && (
          <NavLink
            href={hrefFor({ screen: "create-workspace" })}
            label="Create workspace"
            active={route.screen === "create-workspace"}
            onClick={go({ screen: "create-workspace" })}
          />
        )}
        <NavLink href="/account/connections" label="Authorized apps" />
        <NavLink
          href={hrefFor({ screen: "explorer" })}
          label="GraphQL explorer"
          active={route.screen === "explorer"}
          onClick={go({ screen: "explorer" })}
        />
      </AppShell.Navbar>
      <AppShell.Main>
        {viewer.status === "loading" && <LoadingState label="Signing you in" />}
        {viewer.status === "error" && <ErrorState message={viewer.message} onRetry={viewer.reload} />}
        {viewer.status === "done" &&
          (viewer.data.viewer.organization ? (
            <Screen
              route={route}
              viewer={{ ...viewer.data.viewer, organization: viewer.data.viewer.organization }}
              onChange={viewer.reload}
            />
          ) : (
            // Signed up, or removed from the last workspace: creating one is the only thing to do.
            <CreateWorkspaceScreen first />
          ))}
      </AppShell.Main>
    </AppShell>
  );
}

function Screen({
  route,
  viewer,
  onChange,
}: {
  route: Route;
  viewer: { organization: { id: string; name: string; slug: string } } & ViewerData["viewer"];
  onChange(): void;
}) {
  switch (route.screen) {
    case "apps":
      return <AppsScreen />;
    case "create-app":
      return <CreateAppScreen />;
    case "app":
      return <AppDetailScreen id={route.id} />;
    case "api-keys":
      return <ApiKeysScreen />;
    case "webhooks":
      return <WebhooksScreen />;
    case "webhook":
      return <WebhookDetailScreen id={route.id} />;
    case "scopes":
      return <ScopesScreen />;
    case "audit-log":
      return <AuditLogScreen />;
    case "create-workspace":
      return <CreateWorkspaceScreen />;
    case "workspace-settings":
      return (
        <WorkspaceSettingsScreen
          organization={viewer.organization}
          role={viewer.organizations.find((w) => w.isCurrent)?.role ?? null}
          onChange={onChange}
        />
      );
    case "members":
      return <MembersScreen />;
    case "integrations":
      return <IntegrationsScreen />;
    case "explorer":
      return (
        <Suspense fallback={<LoadingState label="Loading the explorer" />}>
          <ExplorerScreen />
        </Suspense>
      );
    case "not-found":
      return <ErrorState message="There is no such page in the console." />;
  }
}
