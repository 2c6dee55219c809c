import { Button, Group, Paper, Radio, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { type MutationError, mutationError } from "../api.ts";
import { graphql } from "../graphql.ts";
import { runMutation } from "../use-query.ts";
import { WriteOnlySecretInput } from "./write-only-secret-input.tsx";

const CREATE = graphql(`
  mutation ConsoleCreateIntegration($input: CreateIntegrationInput!) {
    createIntegration(input: $input) {
      __typename
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
      ... on ConflictError {
        field
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation ConsoleUpdateIntegration($input: UpdateIntegrationInput!) {
    updateIntegration(input: $input) {
      __typename
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
      ... on ConflictError {
        field
      }
    }
  }
`);

export type GrantType = "AUTHORIZATION_CODE" | "CLIENT_CREDENTIALS" | "PASSWORD";

/** What the form shows of a stored integration (its secret and password only as "stored"). */
export type IntegrationValues = {
  readonly id: string;
  readonly domain: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorizeUrl: string | null;
  readonly tokenUrl: string;
  readonly revocationUrl: string | null;
  readonly scopes: readonly string[];
  readonly grantType: GrantType;
  readonly username: string | null;
  readonly hasPassword: boolean;
  readonly audience: string | null;
};

const GRANTS: readonly { value: GrantType; label: string; description: string }[] = [
  {
    value: "AUTHORIZATION_CODE",
    label: "Authorization code",
    description: "Each user connects their own account through the upstream's consent page.",
  },
  {
    value: "CLIENT_CREDENTIALS",
    label: "Client credentials",
    description: "One service token for the organization, from the client id and secret alone.",
  },
  {
    value: "PASSWORD",
    label: "Resource owner password",
    description: "One service token from a resource owner's username and password (legacy upstreams).",
  },
];

/**
 * Create or edit an integration's OAuth credentials. The client secret and the password are write-only: the form
 * shows `•••• last4` (or "stored") and a blank field keeps the stored value.
 */
export function IntegrationForm(props: { integration?: IntegrationValues; onSaved(): void; onCancel(): void }) {
  const stored = props.integration;
  const [domain, setDomain] = useState(stored?.domain ?? "");
  const [clientId, setClientId] = useState(stored?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [grantType, setGrantType] = useState<GrantType>(stored?.grantType ?? "AUTHORIZATION_CODE");
  const [authorizeUrl, setAuthorizeUrl] = useState(stored?.authorizeUrl ?? "");
  const [tokenUrl, setTokenUrl] = useState(stored?.tokenUrl ?? "");
  const [revocationUrl, setRevocationUrl] = useState(stored?.revocationUrl ?? "");
  const [scopes, setScopes] = useState(stored?.scopes.join(" ") ?? "");
  const [username, setUsername] = useState(stored?.username ?? "");
  const [password, setPassword] = useState("");
  const [audience, setAudience] = useState(stored?.audience ?? "");
  const [failure, setFailure] = useState<MutationError | null>(null);
  const [busy, setBusy] = useState(false);

  const errorOf = (field: string) => (failure?.field === field ? failure.message : undefined);
  const service = grantType !== "AUTHORIZATION_CODE";
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const shared = {
      domain: domain.trim(),
      clientId: clientId.trim(),
      grantType,
      tokenUrl: tokenUrl.trim(),
      scopes: scopes.split(/\s+/).filter(Boolean),
      authorizeUrl: grantType === "AUTHORIZATION_CODE" ? authorizeUrl.trim() || null : null,
      revocationUrl: revocationUrl.trim() || null,
      audience: service ? audience.trim() || null : null,
      username: grantType === "PASSWORD" ? username.trim() || null : null,
    };
    try {
      const result = stored
        ? (
            await runMutation(UPDATE, {
              input: {
                id: stored.id,
                ...shared,
                ...(clientSecret && { clientSecret }),
                ...(grantType === "PASSWORD" && password && { password }),
              },
            })
          ).updateIntegration
        : (
            await runMutation(CREATE, {
              input: {
                ...shared,
                clientSecret,
                ...(grantType === "PASSWORD" && password && { password }),
              },
            })
          ).createIntegration;
      const failed = mutationError(result);
      if (failed) setFailure(failed);
      else props.onSaved();
    } catch (caught) {
      setFailure({ __typename: "Error", message: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };
  const unplaced =
    failure &&
    ![
      "domain",
      "clientId",
      "clientSecret",
      "authorizeUrl",
      "tokenUrl",
      "revocationUrl",
      "scopes",
      "username",
      "password",
      "audience",
    ].includes(failure.field ?? "");

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      onSubmit={save}
      aria-label={stored ? `Edit ${stored.domain}` : "Add OAuth credentials"}
    >
      <Stack>
        <Title order={3} size="h5">
          {stored ? `Edit ${stored.domain}` : "Add OAuth credentials"}
        </Title>
        <TextInput
          label="Domain"
          description="The upstream service, e.g. github.com; unique in the organization."
          placeholder="github.com"
          required
          value={domain}
          onChange={(e) => setDomain(e.currentTarget.value)}
          error={errorOf("domain")}
        />
        <TextInput
          label="Client id"
          required
          value={clientId}
          onChange={(e) => setClientId(e.currentTarget.value)}
          error={errorOf("clientId")}
        />
        <WriteOnlySecretInput
          label="Client secret"
          storedLast4={stored?.clientSecret}
          value={clientSecret}
          onChange={setClientSecret}
          error={errorOf("clientSecret")}
        />
        <Radio.Group
          label="Grant type"
          description="How Latch obtains tokens from the upstream."
          value={grantType}
          onChange={(value) => setGrantType(value as GrantType)}
        >
          <Stack gap="xs" mt="xs">
            {GRANTS.map((grant) => (
              <Radio key={grant.value} value={grant.value} label={grant.label} description={grant.description} />
            ))}
          </Stack>
        </Radio.Group>
        {grantType === "PASSWORD" && (
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label="Username"
              required
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={errorOf("username")}
              miw={200}
            />
            <WriteOnlySecretInput
              label="Password"
              storedNote={stored?.hasPassword ? "A password is stored. Leave blank to keep it." : undefined}
              value={password}
              onChange={setPassword}
              error={errorOf("password")}
              miw={200}
            />
          </Group>
        )}
        {grantType === "AUTHORIZATION_CODE" && (
          <TextInput
            label="Authorize URL"
            description="Where users are sent to consent (https)."
            placeholder="https://github.com/login/oauth/authorize"
            required
            value={authorizeUrl}
            onChange={(e) => setAuthorizeUrl(e.currentTarget.value)}
            error={errorOf("authorizeUrl")}
          />
        )}
        <TextInput
          label="Token URL"
          description="The upstream token endpoint (https)."
          placeholder="https://github.com/login/oauth/access_token"
          required
          value={tokenUrl}
          onChange={(e) => setTokenUrl(e.currentTarget.value)}
          error={errorOf("tokenUrl")}
        />
        <TextInput
          label="Revocation URL"
          description="Optional (RFC 7009): disconnecting revokes the tokens there."
          value={revocationUrl}
          onChange={(e) => setRevocationUrl(e.currentTarget.value)}
          error={errorOf("revocationUrl")}
        />
        <TextInput
          label="Scopes"
          description="Space-separated, as the upstream names them, e.g. repo read:user"
          value={scopes}
          onChange={(e) => setScopes(e.currentTarget.value)}
          error={errorOf("scopes")}
        />
        {service && (
          <TextInput
            label="Audience"
            description="Optional: an audience parameter some upstreams require for service tokens."
            value={audience}
            onChange={(e) => setAudience(e.currentTarget.value)}
            error={errorOf("audience")}
          />
        )}
        {unplaced && (
          <Text c="red.8" size="sm" role="alert">
            {failure.message}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            {stored ? "Save changes" : "Add credentials"}
          </Button>
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
