import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { getIntrospectionQuery, type IntrospectionQuery, type IntrospectionSchema } from "graphql";
import { type FormEvent, useEffect, useState } from "react";
import { postGraphQL, signInUrl } from "../api.ts";
import { ErrorState, LoadingState } from "../states.tsx";
import { SchemaDocs } from "./schema-docs.tsx";

const FIRST_QUERY = `# Runs as you, in the workspace chosen in the header (the Latch-Organization header).
query Me {
  viewer {
    kind
    scopes
    organization {
      id
      name
    }
  }
}
`;

type Docs =
  | { readonly status: "loading" }
  | { readonly status: "off" }
  | { readonly status: "error"; readonly message: string }
  | { readonly status: "done"; readonly schema: IntrospectionSchema };

type GraphQLBody = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };

/**
 * The GraphQL explorer: any query or mutation against the public /graphql API, sent with the person's session and
 * workspace exactly as an API client would, next to the schema's documentation (from introspection, which production
 * servers turn off unless LATCH_GRAPHQL_INTROSPECTION=true).
 */
export function ExplorerScreen() {
  const [query, setQuery] = useState(FIRST_QUERY);
  const [variables, setVariables] = useState("");
  const [result, setResult] = useState<{ status: number; text: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const docs = useSchemaDocs();

  const run = async (event?: FormEvent) => {
    event?.preventDefault();
    setProblem(null);
    let parsed: unknown;
    try {
      parsed = variables.trim() ? JSON.parse(variables) : undefined;
    } catch {
      setProblem('Variables must be JSON, such as {"first": 10}.');
      return;
    }
    if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) {
      setProblem('Variables must be a JSON object, such as {"first": 10}.');
      return;
    }
    setRunning(true);
    try {
      const response = await postGraphQL({ query, variables: parsed });
      const text = await response.text();
      if (response.status === 401 && isUnauthenticated(text)) {
        window.location.assign(signInUrl());
        return;
      }
      setResult({ status: response.status, text: pretty(text) });
    } catch (error) {
      setProblem(`The request did not reach the server: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack>
      <Title order={2}>GraphQL explorer</Title>
      <Text size="sm" c="dimmed">
        Everything the console does goes through this API at <Code>/graphql</Code>; send the same requests from your own
        code with an API key (<Code>Authorization: Bearer latch_ak_…</Code>).
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Stack component="form" onSubmit={run} aria-label="Run a GraphQL request">
          <Textarea
            label="Query"
            description="Ctrl+Enter runs it."
            value={query}
            onChange={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void run();
            }}
            autosize
            minRows={12}
            maxRows={30}
            spellCheck={false}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          <Textarea
            label="Variables (JSON)"
            placeholder='{"first": 10}'
            value={variables}
            onChange={(event) => setVariables(event.currentTarget.value)}
            autosize
            minRows={3}
            spellCheck={false}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          <Group>
            <Button type="submit" loading={running}>
              Run
            </Button>
          </Group>
          {problem && (
            <Alert color="red" title="Not sent" role="alert">
              {problem}
            </Alert>
          )}
          <Paper withBorder p="sm" component="section" aria-labelledby="explorer-result-title">
            <Stack gap="xs">
              <Title order={3} size="h5" id="explorer-result-title">
                Result{result ? ` (HTTP ${result.status})` : ""}
              </Title>
              <div role="status" aria-live="polite">
                {result ? (
                  <Code block data-testid="explorer-result" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                    {result.text}
                  </Code>
                ) : (
                  <Text size="sm" c="dimmed">
                    Run a query to see the server's answer here.
                  </Text>
                )}
              </div>
            </Stack>
          </Paper>
        </Stack>
        {docs.status === "loading" && <LoadingState label="Loading the schema" />}
        {docs.status === "error" && <ErrorState message={docs.message} />}
        {docs.status === "off" && (
          <Alert color="blue" variant="outline" title="Schema documentation is off on this server" role="status">
            This server does not answer introspection (production turns it off). Queries still run; the schema and its
            descriptions are in <Code>schema.graphql</Code> of the Latch repository, or set{" "}
            <Code>LATCH_GRAPHQL_INTROSPECTION=true</Code> to browse them here.
          </Alert>
        )}
        {docs.status === "done" && <SchemaDocs schema={docs.schema} />}
      </SimpleGrid>
    </Stack>
  );
}

function useSchemaDocs(): Docs {
  const [docs, setDocs] = useState<Docs>({ status: "loading" });
  useEffect(() => {
    let current = true;
    (async (): Promise<Docs> => {
      const response = await postGraphQL({ query: getIntrospectionQuery({ descriptions: true }) });
      const body = (await response.json().catch(() => ({}))) as GraphQLBody;
      const first = body.errors?.[0];
      if (response.status === 401) {
        window.location.assign(signInUrl());
        return { status: "loading" };
      }
      if (first && /introspection/i.test(first.message)) return { status: "off" };
      const schema = (body.data as IntrospectionQuery | undefined)?.__schema;
      if (!schema) return { status: "error", message: first?.message ?? `The server answered ${response.status}.` };
      return { status: "done", schema };
    })()
      .catch((error: unknown): Docs => ({ status: "error", message: String(error) }))
      .then((next) => current && setDocs(next));
    return () => {
      current = false;
    };
  }, []);
  return docs;
}

function isUnauthenticated(text: string): boolean {
  try {
    return (JSON.parse(text) as GraphQLBody).errors?.[0]?.extensions?.code === "UNAUTHENTICATED";
  } catch {
    return false;
  }
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
