import {
  Box,
  Button,
  ColorSwatch,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { graphql } from "../graphql.ts";
import { ErrorState, SuccessNote } from "../states.tsx";
import { runMutation } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const UPDATE = graphql(`
  mutation ConsoleUpdateAppBranding($input: UpdateApplicationInput!) {
    updateApplication(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export type AppBrandingValues = {
  readonly id: string;
  readonly clientId: string;
  readonly logoUrl: string | null;
  readonly primaryColor: string | null;
  readonly secondaryColor: string | null;
  readonly homepageUrl: string | null;
  readonly privacyPolicyUrl: string | null;
  readonly termsOfServiceUrl: string | null;
};

type Field = Exclude<keyof AppBrandingValues, "id" | "clientId">;

/** Each branding field, the preview route's query parameter for it, and how the form words it. */
const FIELDS: readonly { field: Field; parameter: string; label: string; description: string; color?: true }[] = [
  { field: "logoUrl", parameter: "logo_url", label: "Logo URL", description: "https; shown above the page's title." },
  {
    field: "primaryColor",
    parameter: "primary_color",
    label: "Primary color",
    description: "#rrggbb: the main button; its text turns black or white to stay readable.",
    color: true,
  },
  {
    field: "secondaryColor",
    parameter: "secondary_color",
    label: "Accent color",
    description: "#rrggbb: the card's top border, and links when readable on white.",
    color: true,
  },
  { field: "homepageUrl", parameter: "homepage_url", label: "Homepage URL", description: "Linked in the footer." },
  {
    field: "privacyPolicyUrl",
    parameter: "privacy_policy_url",
    label: "Privacy policy URL",
    description: "Linked in the footer.",
  },
  {
    field: "termsOfServiceUrl",
    parameter: "terms_of_service_url",
    label: "Terms of service URL",
    description: "Linked in the footer.",
  },
];

type Values = Record<Field, string>;

/** The same value after `delay` ms without change: the preview reloads once typing pauses, not on every key. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * An app's branding (logo, colors, footer links) beside a live preview of its real login and consent pages: the
 * server renders them with its own page code from the unsaved values (`/console-preview/…`), in a sandboxed frame.
 */
export function BrandingPanel({ app, onChange }: { app: AppBrandingValues; onChange(): void }) {
  const [values, setValues] = useState<Values>(
    () => Object.fromEntries(FIELDS.map(({ field }) => [field, app[field] ?? ""])) as Values,
  );
  const [page, setPage] = useState<"login" | "consent">("login");
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const settled = useDebounced(values, 300);
  const query = new URLSearchParams({ client_id: app.clientId });
  for (const { field, parameter } of FIELDS) query.set(parameter, settled[field].trim());
  const save = (event: React.FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const input = Object.fromEntries(FIELDS.map(({ field }) => [field, values[field].trim() || null]));
    void action.run(
      async () => (await runMutation(UPDATE, { input: { id: app.id, ...input } })).updateApplication,
      () => {
        setSaved(true);
        onChange();
      },
    );
  };
  const pageName = page === "login" ? "login page" : "consent page";
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder p="md" component="form" onSubmit={save} aria-label="Branding">
        <Stack>
          <Title order={3} size="h5">
            Branding
          </Title>
          <Text size="sm" c="dimmed">
            What the app's users see on Latch's login and consent pages. The preview follows as you type; nothing
            changes for them until you save.
          </Text>
          {FIELDS.map(({ field, label, description, color }) => (
            <TextInput
              key={field}
              label={label}
              description={description}
              value={values[field]}
              placeholder={color ? "#1f2937" : "https://"}
              leftSection={
                color && /^#[0-9a-fA-F]{6}$/.test(values[field]) ? (
                  <ColorSwatch color={values[field]} size={16} aria-hidden="true" />
                ) : undefined
              }
              onChange={(event) => {
                const next = event.currentTarget.value;
                setValues((current) => ({ ...current, [field]: next }));
                setSaved(false);
              }}
            />
          ))}
          {action.error && <ErrorState message={action.error} />}
          {saved && <SuccessNote title="Branding saved">The login and consent pages show it now.</SuccessNote>}
          <Group>
            <Button type="submit" loading={action.busy}>
              Save branding
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Preview
          </Title>
          <SegmentedControl
            aria-label="Page previewed"
            value={page}
            onChange={(value) => setPage(value as "login" | "consent")}
            data={[
              { value: "login", label: "Login" },
              { value: "consent", label: "Consent" },
            ]}
          />
        </Group>
        <Box style={{ border: "1px solid var(--mantine-color-gray-4)", borderRadius: 8, overflow: "hidden" }}>
          {/* No allow-scripts, allow-forms or allow-same-origin: the pages need none, and their buttons stay inert. */}
          <iframe
            title={`Preview of the ${pageName}`}
            src={`/console-preview/${page}?${query}`}
            sandbox=""
            referrerPolicy="same-origin"
            style={{ display: "block", width: "100%", height: 680, border: 0 }}
          />
        </Box>
        <Text size="xs" c="dimmed">
          Rendered by the server's own {pageName} code, as the app's users see it; its buttons do nothing here.
        </Text>
      </Stack>
    </SimpleGrid>
  );
}
