import { Anchor, Badge, Group, List, Paper, ScrollArea, Stack, Text, TextInput, Title } from "@mantine/core";
import type {
  IntrospectionField,
  IntrospectionInputValue,
  IntrospectionSchema,
  IntrospectionType,
  IntrospectionTypeRef,
} from "graphql";
import { useMemo, useState } from "react";

/** The schema's documentation from introspection: every type with its description, fields, arguments and values. */
export function SchemaDocs({ schema }: { schema: IntrospectionSchema }) {
  const types = useMemo(
    () => new Map(schema.types.filter((type) => !type.name.startsWith("__")).map((type) => [type.name, type])),
    [schema],
  );
  const roots = [schema.queryType?.name, schema.mutationType?.name].filter((name): name is string => Boolean(name));
  const [selected, setSelected] = useState(roots[0] ?? "");
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const matching = needle
    ? [...types.values()].filter(
        (type) =>
          type.name.toLowerCase().includes(needle) ||
          (type.kind === "OBJECT" && type.fields.some((field) => field.name.toLowerCase().includes(needle))),
      )
    : [];
  const type = types.get(selected);
  const open = (name: string) => {
    setSelected(name);
    setSearch("");
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="schema-docs-title">
      <Stack gap="sm">
        <Title order={3} id="schema-docs-title">
          Schema
        </Title>
        <Group gap="xs">
          {roots.map((name) => (
            <TypeLink key={name} name={name} onOpen={open} />
          ))}
        </Group>
        <TextInput
          label="Search the schema"
          placeholder="A type or field name"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        {needle && (
          <List size="sm" aria-label="Matching types">
            {matching.length === 0 && <Text size="sm">No type or field matches “{search.trim()}”.</Text>}
            {matching.slice(0, 50).map((match) => (
              <List.Item key={match.name}>
                <TypeLink name={match.name} onOpen={open} />
              </List.Item>
            ))}
          </List>
        )}
        {!needle && type && <TypeDocs type={type} onOpen={open} />}
      </Stack>
    </Paper>
  );
}

function TypeDocs({ type, onOpen }: { type: IntrospectionType; onOpen(name: string): void }) {
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Title order={4} ff="monospace">
          {type.name}
        </Title>
        <Badge variant="filled" color="gray.8">
          {type.kind.replace("_", " ").toLowerCase()}
        </Badge>
      </Group>
      {type.description && <Text size="sm">{type.description}</Text>}
      <ScrollArea.Autosize mah={560} type="auto">
        <Stack gap="sm" component="dl" m={0}>
          {(type.kind === "OBJECT" || type.kind === "INTERFACE") &&
            type.fields.map((field) => <FieldDocs key={field.name} field={field} onOpen={onOpen} />)}
          {type.kind === "INPUT_OBJECT" &&
            type.inputFields.map((field) => <FieldDocs key={field.name} field={field} onOpen={onOpen} />)}
          {type.kind === "ENUM" &&
            type.enumValues.map((value) => (
              <div key={value.name}>
                <Text component="dt" ff="monospace" size="sm" fw={600}>
                  {value.name}
                  {value.isDeprecated && " (deprecated)"}
                </Text>
                <Text component="dd" size="sm" ml="md">
                  {value.description ?? ""}
                </Text>
              </div>
            ))}
          {(type.kind === "UNION" || type.kind === "INTERFACE") && (
            <Group gap="xs">
              <Text size="sm">One of:</Text>
              {type.possibleTypes.map((possible) => (
                <TypeLink key={possible.name} name={possible.name} onOpen={onOpen} />
              ))}
            </Group>
          )}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}

function FieldDocs({
  field,
  onOpen,
}: {
  field: IntrospectionField | IntrospectionInputValue;
  onOpen(name: string): void;
}) {
  const args = "args" in field ? field.args : [];
  const deprecated = "isDeprecated" in field && field.isDeprecated;
  return (
    <div>
      <Text component="dt" ff="monospace" size="sm">
        <Text span fw={600} ff="monospace" size="sm">
          {field.name}
        </Text>
        {args.length > 0 && `(${args.map((arg) => `${arg.name}: ${typeLabel(arg.type)}`).join(", ")})`}
        {": "}
        <TypeLink name={namedType(field.type)} label={typeLabel(field.type)} onOpen={onOpen} />
        {deprecated && " (deprecated)"}
      </Text>
      <Stack component="dd" gap={2} ml="md" my={0}>
        {field.description && <Text size="sm">{field.description}</Text>}
        {args
          .filter((arg) => arg.description)
          .map((arg) => (
            <Text key={arg.name} size="xs">
              <Text span ff="monospace" size="xs" fw={600}>
                {arg.name}
              </Text>
              : {arg.description}
            </Text>
          ))}
      </Stack>
    </div>
  );
}

function TypeLink({ name, label, onOpen }: { name: string; label?: string; onOpen(name: string): void }) {
  return (
    <Anchor component="button" type="button" ff="monospace" size="sm" onClick={() => onOpen(name)}>
      {label ?? name}
    </Anchor>
  );
}

function typeLabel(ref: IntrospectionTypeRef): string {
  if (ref.kind === "NON_NULL") return `${typeLabel(ref.ofType)}!`;
  if (ref.kind === "LIST") return `[${typeLabel(ref.ofType)}]`;
  return ref.name;
}

function namedType(ref: IntrospectionTypeRef): string {
  return ref.kind === "NON_NULL" || ref.kind === "LIST" ? namedType(ref.ofType) : ref.name;
}
