import { Select } from "@mantine/core";
import { chooseOrganization } from "../api.ts";
import { hrefFor } from "../router.ts";

export type WorkspaceChoice = {
  readonly isCurrent: boolean;
  readonly role: string | null;
  readonly organization: { readonly id: string; readonly name: string; readonly slug: string };
};

/**
 * Acts in another workspace: remembers its slug (sent as the `Latch-Organization` header) and reloads the
 * console, so every screen reads the new workspace and nothing of the old one lingers.
 */
export function switchWorkspace(slug: string): void {
  chooseOrganization(slug);
  window.location.assign(hrefFor({ screen: "apps" }));
}

/** The header's workspace picker: the person's workspaces, the current one selected. */
export function WorkspaceSwitcher({ workspaces }: { workspaces: readonly WorkspaceChoice[] }) {
  const current = workspaces.find((w) => w.isCurrent);
  return (
    <Select
      aria-label="Workspace"
      size="xs"
      w={{ base: 150, sm: 220 }}
      allowDeselect={false}
      checkIconPosition="right"
      data={workspaces.map((w) => ({ value: w.organization.slug, label: w.organization.name }))}
      value={current?.organization.slug ?? null}
      onChange={(slug) => {
        if (slug && slug !== current?.organization.slug) switchWorkspace(slug);
      }}
    />
  );
}
