import { Button, Group, NativeSelect, Paper, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { type MutationError, mutationError } from "../api.ts";
import { graphql } from "../graphql.ts";
import { runMutation } from "../use-query.ts";
import { WriteOnlySecretInput } from "./write-only-secret-input.tsx";

const CREATE = graphql(`
  mutation ConsoleCreateIdentityProvider($input: CreateIdentityProviderInput!) {
    createIdentityProvider(input: $input) {
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
  mutation ConsoleUpdateIdentityProvider($input: UpdateIdentityProviderInput!) {
    updateIdentityProvider(input: $input) {
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

export type ProviderKind = "GOOGLE" | "GITHUB" | "MICROSOFT" | "APPLE" | "DISCORD" | "OIDC";

/** The upstream services an app's login page can offer, with the sentence that tells them apart. */
export const PROVIDER_KINDS: readonly { value: ProviderKind; label: string; hint: string }[] = [
  { value: "GOOGLE", label: "Google", hint: "OpenID Connect; a client from Google Cloud's Credentials page." },
  { value: "GITHUB", label: "GitHub", hint: "An OAuth App from GitHub's Developer settings." },
  { value: "MICROSOFT", label: "Microsoft", hint: "Microsoft Entra ID; any tenant unless you give its issuer." },
  { value: "APPLE", label: "Apple", hint: "Sign in with Apple: a Services ID, and a .p8 key or a signed secret." },
  { value: "DISCORD", label: "Discord", hint: "An application from Discord's Developer Portal." },
  { value: "OIDC", label: "Any OpenID Connect issuer", hint: "Okta, Keycloak, Auth0…: found through its issuer." },
];

export function kindLabel(kind: ProviderKind): string {
  return PROVIDER_KINDS.find((entry) => entry.value === kind)?.label ?? kind;
}

/** What the form shows of a stored provider: its secret only as `•••• last4`. */
export type ProviderValues = {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly displayName: string | null;
  readonly clientId: string;
  readonly clientSecretLast4: string;
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly enabled: boolean;
  readonly appleTeamId: string | null;
  readonly appleKeyId: string | null;
};

const PLACED = ["kind", "displayName", "clientId", "clientSecret", "issuer", "scopes", "appleTeamId", "appleKeyId"];

/**
 * Add or edit one sign-in provider of an app. The upstream client secret is write-only: the form shows
 * `•••• last4`, and a blank field keeps the stored value.
 */
export function IdentityProviderForm(props: {
  applicationId: string;
  provider?: ProviderValues;
  onSaved(): void;
  onCancel(): void;
}) {
  const stored = props.provider;
  const [kind, setKind] = useState<ProviderKind>(stored?.kind ?? "GOOGLE");
  const [displayName, setDisplayName] = useState(stored?.displayName ?? "");
  const [clientId, setClientId] = useState(stored?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [issuer, setIssuer] = useState(stored?.issuer ?? "");
  const [scopes, setScopes] = useState(stored?.scopes.join(" ") ?? "");
  const [enabled, setEnabled] = useState(stored?.enabled ?? true);
  const [teamId, setTeamId] = useState(stored?.appleTeamId ?? "");
  const [keyId, setKeyId] = useState(stored?.appleKeyId ?? "");
  const [failure, setFailure] = useState<MutationError | null>(null);
  const [busy, setBusy] = useState(false);
  const errorOf = (field: string) => (failure?.field === field ? failure.message : undefined);
  const title = stored ? `Edit ${stored.displayName || kindLabel(stored.kind)}` : "Add a sign-in provider";

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const typedScopes = scopes.split(/\s+/).filter(Boolean);
    const shared = {
      displayName: displayName.trim() || null,
      clientId: clientId.trim(),
      enabled,
      issuer: kind === "OIDC" || kind === "MICROSOFT" ? issuer.trim() || null : null,
      ...(kind === "APPLE" && { appleTeamId: teamId.trim() || null, appleKeyId: keyId.trim() || null }),
      ...(clientSecret && { clientSecret }),
    };
    try {
      const result = stored
        ? (
            await runMutation(UPDATE, {
              input: { id: stored.id, ...shared, ...(typedScopes.length > 0 && { scopes: typedScopes }) },
            })
          ).updateIdentityProvider
        : (
            await runMutation(CREATE, {
              input: {
                applicationId: props.applicationId,
                kind,
                ...shared,
                clientSecret,
                ...(typedScopes.length > 0 && { scopes: typedScopes }),
              },
            })
          ).createIdentityProvider;
      const failed = mutationError(result);
      if (failed) setFailure(failed);
      else props.onSaved();
    } catch (caught) {
      setFailure({ __typename: "Error", message: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };
  const unplaced = failure && !PLACED.includes(failure.field ?? "");
  const hint = PROVIDER_KINDS.find((entry) => entry.value === kind)?.hint;

  return (
    <Paper withBorder p="md" component="form" onSubmit={save} aria-label={title}>
      <Stack>
        <Title order={3} size="h5">
          {title}
        </Title>
        {stored ? (
          <Text size="sm">
            Provider: <strong>{kindLabel(stored.kind)}</strong>
          </Text>
        ) : (
          <NativeSelect
            label="Provider"
            description={hint}
            data={PROVIDER_KINDS.map((entry) => ({ value: entry.value, label: entry.label }))}
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as ProviderKind)}
            error={errorOf("kind")}
          />
        )}
        <TextInput
          label="Button label"
          description={`Optional: "Continue with …" says the provider's name when blank.`}
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          error={errorOf("displayName")}
        />
        <TextInput
          label="Client id"
          description="The app's client id at the provider."
          required
          value={clientId}
          onChange={(e) => setClientId(e.currentTarget.value)}
          error={errorOf("clientId")}
        />
        <WriteOnlySecretInput
          label={kind === "APPLE" && keyId ? "Private key (.p8)" : "Client secret"}
          storedLast4={stored?.clientSecretLast4}
          value={clientSecret}
          onChange={setClientSecret}
          error={errorOf("clientSecret")}
        />
        {(kind === "OIDC" || kind === "MICROSOFT") && (
          <TextInput
            label="Issuer"
            description={
              kind === "OIDC"
                ? "The https OpenID Connect issuer; its discovery document supplies the endpoints."
                : "Optional: one tenant's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0"
            }
            required={kind === "OIDC"}
            value={issuer}
            onChange={(e) => setIssuer(e.currentTarget.value)}
            error={errorOf("issuer")}
          />
        )}
        {kind === "APPLE" && (
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label="Apple team id"
              description="With a key id: Latch signs each client secret."
              value={teamId}
              onChange={(e) => setTeamId(e.currentTarget.value)}
              error={errorOf("appleTeamId")}
              miw={200}
            />
            <TextInput
              label="Apple key id"
              value={keyId}
              onChange={(e) => setKeyId(e.currentTarget.value)}
              error={errorOf("appleKeyId")}
              miw={200}
            />
          </Group>
        )}
        <TextInput
          label="Scopes"
          description="Space-separated; blank asks for the provider's usual ones."
          value={scopes}
          onChange={(e) => setScopes(e.currentTarget.value)}
          error={errorOf("scopes")}
        />
        <Switch
          label="Offer it on the login page"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        {unplaced && (
          <Text c="red.8" size="sm" role="alert">
            {failure.message}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            {stored ? "Save changes" : "Add provider"}
          </Button>
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
