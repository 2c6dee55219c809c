import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { ACCESS_TOKEN_TTL, REFRESH_REUSE_INTERVAL } from "../../../server/db/entities/application-settings.ts";
import { graphql } from "../graphql.ts";
import { ErrorState, LoadingState, SuccessNote } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { useAction } from "./use-action.ts";

const SCOPES = graphql(`
  query ConsoleSettingsScopes {
    scopes {
      name
      description
      kind
    }
  }
`);

const UPDATE = graphql(`
  mutation ConsoleUpdateAppSettings($input: UpdateApplicationInput!) {
    updateApplication(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

/** The ranges UpdateApplicationInput's descriptions state (seconds). */
// The ranges the API checks, from the one module that states them (plain constants, bundled by Vite).
export const TOKEN_TTL = ACCESS_TOKEN_TTL;
export const REUSE_INTERVAL = REFRESH_REUSE_INTERVAL;

export type AppSettings = {
  readonly id: string;
  readonly type: "CONFIDENTIAL" | "PUBLIC";
  readonly tokenEndpointAuthMethod: AuthMethod | null;
  readonly isResourceServer: boolean;
  readonly accessTokenFormat: "JWT" | "OPAQUE";
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshTokenRotation: boolean;
  readonly refreshReuseInterval: number;
  readonly allowedScopes: readonly string[];
};

type AuthMethod = "ANY" | "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST";

/** The choices of TokenEndpointAuthMethod, in the words of RFC 6749 §2.3.1. */
const AUTH_METHODS: readonly { value: AuthMethod; label: string; description: string }[] = [
  { value: "ANY", label: "Either", description: "HTTP Basic or the form body, whichever the client sends." },
  {
    value: "CLIENT_SECRET_BASIC",
    label: "HTTP Basic only",
    description: "client_secret_basic: a secret sent in the form body is refused.",
  },
  {
    value: "CLIENT_SECRET_POST",
    label: "Form body only",
    description: "client_secret_post: an Authorization header is refused.",
  },
];

/**
 * An app's token settings (format, lifetimes, refresh rotation and its retry interval), for a confidential app its
 * client authentication method and whether it is a resource server, and its allowed scopes.
 */
export function SettingsPanel({ app, onChange }: { app: AppSettings; onChange(): void }) {
  const [format, setFormat] = useState(app.accessTokenFormat);
  const [accessTtl, setAccessTtl] = useState<number | string>(app.accessTokenTtl);
  const [refreshTtl, setRefreshTtl] = useState<number | string>(app.refreshTokenTtl);
  const [rotation, setRotation] = useState(app.refreshTokenRotation);
  const [interval, setReuse] = useState<number | string>(app.refreshReuseInterval);
  const [scopes, setScopes] = useState<string[]>([...app.allowedScopes]);
  const [authMethod, setAuthMethod] = useState<AuthMethod>(app.tokenEndpointAuthMethod ?? "ANY");
  const [resourceServer, setResourceServer] = useState(app.isResourceServer);
  const confidential = app.type === "CONFIDENTIAL";
  const [saved, setSaved] = useState(false);
  const catalogue = useQuery(SCOPES);
  const action = useAction();
  const save = (event: React.FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void action.run(
      async () =>
        (
          await runMutation(UPDATE, {
            input: {
              id: app.id,
              accessTokenFormat: format,
              accessTokenTtl: Number(accessTtl),
              refreshTokenTtl: Number(refreshTtl),
              refreshTokenRotation: rotation,
              refreshReuseInterval: rotation ? Number(interval) : 0,
              allowedScopes: scopes,
              ...(confidential && { tokenEndpointAuthMethod: authMethod, isResourceServer: resourceServer }),
            },
          })
        ).updateApplication,
      () => {
        setSaved(true);
        onChange();
      },
    );
  };
  const outOfRange = (value: number | string, range: { min: number; max: number }) =>
    value === "" || Number(value) < range.min || Number(value) > range.max || !Number.isInteger(Number(value));
  const invalid =
    outOfRange(accessTtl, TOKEN_TTL) || outOfRange(refreshTtl, TOKEN_TTL) || outOfRange(interval, REUSE_INTERVAL);
  return (
    <Stack component="form" onSubmit={save}>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3} size="h5">
            Tokens
          </Title>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="token-format-label">
              Access token format
            </Text>
            <SegmentedControl
              aria-labelledby="token-format-label"
              value={format}
              onChange={(value) => setFormat(value as "JWT" | "OPAQUE")}
              data={[
                { value: "JWT", label: "JWT (RFC 9068)" },
                { value: "OPAQUE", label: "Opaque" },
              ]}
              w="fit-content"
            />
            <Text size="xs" c="dimmed">
              A JWT is verified by resource servers with the published keys; an opaque token is checked by
              introspection, and revocation takes effect at once.
            </Text>
          </Stack>
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput
              label="Access token lifetime (seconds)"
              description={`${TOKEN_TTL.min} to ${TOKEN_TTL.max}; ${humanSeconds(Number(accessTtl))}`}
              min={TOKEN_TTL.min}
              max={TOKEN_TTL.max}
              allowDecimal={false}
              value={accessTtl}
              onChange={setAccessTtl}
              error={outOfRange(accessTtl, TOKEN_TTL) ? `Between ${TOKEN_TTL.min} and ${TOKEN_TTL.max}` : null}
              miw={220}
            />
            <NumberInput
              label="Refresh token lifetime (seconds)"
              description={`${TOKEN_TTL.min} to ${TOKEN_TTL.max}; ${humanSeconds(Number(refreshTtl))}`}
              min={TOKEN_TTL.min}
              max={TOKEN_TTL.max}
              allowDecimal={false}
              value={refreshTtl}
              onChange={setRefreshTtl}
              error={outOfRange(refreshTtl, TOKEN_TTL) ? `Between ${TOKEN_TTL.min} and ${TOKEN_TTL.max}` : null}
              miw={220}
            />
          </Group>
          <Switch
            label="Rotate refresh tokens"
            description="Each refresh returns a new refresh token; presenting an old one again revokes the family."
            checked={rotation}
            onChange={(e) => setRotation(e.currentTarget.checked)}
          />
          {rotation && (
            <NumberInput
              label="Retry interval (seconds)"
              description="0 to 60. Within it a client retrying a refresh gets the same new token; 0 is strict."
              min={REUSE_INTERVAL.min}
              max={REUSE_INTERVAL.max}
              allowDecimal={false}
              value={interval}
              onChange={setReuse}
              error={outOfRange(interval, REUSE_INTERVAL) ? "Between 0 and 60" : null}
              maw={320}
            />
          )}
        </Stack>
      </Paper>
      {confidential && (
        <Paper withBorder p="md">
          <Stack>
            <Title order={3} size="h5">
              Client authentication
            </Title>
            <Radio.Group
              label="How the app sends its client secret"
              description="At the token, revocation and introspection endpoints (RFC 7591 token_endpoint_auth_method)."
              value={authMethod}
              onChange={(value) => setAuthMethod(value as AuthMethod)}
            >
              <Stack gap="xs" mt="xs">
                {AUTH_METHODS.map((method) => (
                  <Radio
                    key={method.value}
                    value={method.value}
                    label={method.label}
                    description={method.description}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <Switch
              label="Resource server"
              description="It may introspect the tokens of every app of this workspace; any other app only its own (RFC 7662 §4)."
              checked={resourceServer}
              onChange={(e) => setResourceServer(e.currentTarget.checked)}
            />
          </Stack>
        </Paper>
      )}
      <Paper withBorder p="md">
        <Stack>
          <Title order={3} size="h5">
            Allowed scopes
          </Title>
          {catalogue.status === "loading" && <LoadingState label="Loading the scope catalogue" />}
          {catalogue.status === "error" && <ErrorState message={catalogue.message} onRetry={catalogue.reload} />}
          {catalogue.status === "done" && (
            <Checkbox.Group value={scopes} onChange={setScopes} aria-label="Allowed scopes">
              <Stack gap="xs">
                {catalogue.data.scopes.map((scope) => (
                  <Checkbox key={scope.name} value={scope.name} label={scope.name} description={scope.description} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
        </Stack>
      </Paper>
      {action.error && (
        <Alert color="red" role="alert" title="Not saved">
          {action.error}
        </Alert>
      )}
      {saved && !action.error && (
        <SuccessNote title="Saved">New tokens use these settings; tokens already issued keep theirs.</SuccessNote>
      )}
      <Group>
        <Button type="submit" loading={action.busy} disabled={invalid}>
          Save settings
        </Button>
      </Group>
    </Stack>
  );
}

/** 3600 → "1 hour", for the description under a lifetime. */
export function humanSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "—";
  for (const [unit, size] of [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}
