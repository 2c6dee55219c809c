import {
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { mutationError } from "../api.ts";
import { graphql, type ResultOf } from "../graphql.ts";
import { navigate } from "../router.ts";
import { ErrorState } from "../states.tsx";
import { runMutation, useQuery } from "../use-query.ts";
import { CopyValue } from "./copy-value.tsx";
import { SecretOnce } from "./secret-once.tsx";

const SCOPES = graphql(`
  query ConsoleScopeCatalogue {
    scopes {
      name
      description
      kind
    }
  }
`);

const CREATE_APP = graphql(`
  mutation ConsoleCreateApp($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      __typename
      ... on CreateApplicationPayload {
        clientSecret
        application {
          id
          clientId
          name
        }
      }
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

const GRANT_TYPES = [
  { value: "authorization_code", label: "Authorization code (users sign in and consent)" },
  { value: "refresh_token", label: "Refresh token" },
  { value: "client_credentials", label: "Client credentials (server to server)" },
];

const TYPE_HELP = {
  CONFIDENTIAL: "A server-side app that can keep a client secret.",
  PUBLIC: "A native or browser app: it cannot keep a secret and proves itself with PKCE instead.",
} as const;

type Created = Extract<ResultOf<typeof CREATE_APP>["createApplication"], { __typename: "CreateApplicationPayload" }>;

/** Account > OAuth Apps > Create App, then the client secret shown once. */
export function CreateAppScreen() {
  const scopes = useQuery(SCOPES);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [type, setType] = useState<"CONFIDENTIAL" | "PUBLIC">("CONFIDENTIAL");
  const [redirectUris, setRedirectUris] = useState("");
  const [allowedScopes, setAllowedScopes] = useState<string[]>(["identify"]);
  const [grantTypes, setGrantTypes] = useState<string[]>(["authorization_code", "refresh_token"]);
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  if (created) {
    const open = () => navigate({ screen: "app", id: created.application.id });
    return (
      <Paper withBorder p="lg" maw={720}>
        <Stack>
          <Title order={2}>{created.application.name} is ready</Title>
          <Text size="sm">Client id</Text>
          <CopyValue value={created.application.clientId} label="client id" />
          {created.clientSecret ? (
            <SecretOnce secret={created.clientSecret} onDone={open} />
          ) : (
            <Button onClick={open} w="fit-content">
              Open the app
            </Button>
          )}
        </Stack>
      </Paper>
    );
  }

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { createApplication: result } = await runMutation(CREATE_APP, {
        input: {
          name,
          description: description || undefined,
          type,
          redirectUris: redirectUris
            .split(/\s+/)
            .map((uri) => uri.trim())
            .filter(Boolean),
          allowedScopes,
          grantTypes: type === "PUBLIC" ? grantTypes.filter((g) => g !== "client_credentials") : grantTypes,
        },
      });
      const failed = mutationError(result);
      if (failed) setError(failed);
      else if (result.__typename === "CreateApplicationPayload") setCreated(result);
    } catch (caught) {
      setError({ message: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  return (
    <Paper withBorder p="lg" maw={720} component="form" onSubmit={submit}>
      <Stack>
        <Title order={2}>Create app</Title>
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError("name")}
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError("description")}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="app-type-label">
            Type
          </Text>
          <SegmentedControl
            aria-labelledby="app-type-label"
            value={type}
            onChange={(value) => setType(value as typeof type)}
            data={[
              { value: "CONFIDENTIAL", label: "Confidential" },
              { value: "PUBLIC", label: "Public" },
            ]}
          />
          <Text size="xs" c="dimmed">
            {TYPE_HELP[type]}
          </Text>
        </Stack>
        <Textarea
          label="Redirect URIs"
          description="One per line. Latch compares them exactly as written (RFC 9700), except the port of http://127.0.0.1 for native apps."
          placeholder="https://app.example.com/callback"
          autosize
          minRows={2}
          value={redirectUris}
          onChange={(e) => setRedirectUris(e.currentTarget.value)}
          error={fieldError("redirectUris")}
        />
        <MultiSelect
          label="Scopes the app may request"
          description={
            scopes.status === "error" ? scopes.message : "Each shows the words users see on the consent page."
          }
          searchable
          data={
            scopes.status === "done"
              ? scopes.data.scopes.map((scope) => ({ value: scope.name, label: `${scope.name}: ${scope.description}` }))
              : allowedScopes
          }
          value={allowedScopes}
          onChange={setAllowedScopes}
          error={fieldError("allowedScopes")}
        />
        <Checkbox.Group
          label="Grant types"
          value={grantTypes}
          onChange={setGrantTypes}
          error={fieldError("grantTypes")}
        >
          <Stack gap={6} mt={6}>
            {GRANT_TYPES.map((grant) => (
              <Checkbox
                key={grant.value}
                value={grant.value}
                label={grant.label}
                disabled={type === "PUBLIC" && grant.value === "client_credentials"}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        {error && !error.field && <ErrorState message={error.message} />}
        <Group>
          <Button type="submit" loading={busy}>
            Create app
          </Button>
          <Button variant="default" onClick={() => navigate({ screen: "apps" })}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
