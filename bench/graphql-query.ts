/**
 * Builds GraphQL selections from the live schema (introspection), so the benchmark asks for every scalar of a type
 * and every relation the control plane has today (redirect URIs, secrets, grant counts, ...) without hard-coding a
 * schema that is still growing.
 */
type TypeRef = { kind: string; name: string | null; ofType: TypeRef | null };
type Field = { name: string; args: { name: string; type: TypeRef }[]; type: TypeRef };
type FullType = { name: string; kind: string; fields: Field[] | null; possibleTypes: { name: string }[] | null };

const INTROSPECTION = `{ __schema { types { name kind possibleTypes { name } fields { name args { name type { kind name ofType { kind name ofType { kind name } } } }
  type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`;

const unwrap = (ref: TypeRef): { named: TypeRef; list: boolean } => {
  let list = false;
  let current = ref;
  while (current.ofType) {
    if (current.kind === "LIST") list = true;
    current = current.ofType;
  }
  return { named: current, list };
};

export type SchemaTypes = Map<string, FullType>;

export async function loadSchemaTypes(url: string, apiKey: string): Promise<Map<string, FullType>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: INTROSPECTION }),
  });
  const json = (await response.json()) as { data?: { __schema: { types: FullType[] } }; errors?: unknown };
  if (!json.data) throw new Error(`introspection failed: ${JSON.stringify(json.errors)}`);
  return new Map(json.data.__schema.types.map((t) => [t.name, t]));
}

const hasRequiredArgs = (field: Field) => field.args.some((arg) => arg.type.kind === "NON_NULL");

/**
 * The selection set of `typeName`: its scalars, and for its list relations (redirect URIs, secrets, ...) their id
 * and first few scalars. Single objects and connections are left out: the cost stays that of one page of apps.
 */
export function selection(types: Map<string, FullType>, typeName: string, depth = 1): string {
  const type = types.get(typeName);
  const parts: string[] = [];
  for (const field of type?.fields ?? []) {
    if (hasRequiredArgs(field)) continue;
    const { named, list } = unwrap(field.type);
    if (named.kind === "SCALAR" || named.kind === "ENUM") parts.push(field.name);
    else if (depth > 0 && list && named.kind === "OBJECT" && field.args.length === 0) {
      // A relation: its id and a few scalars, as a list page would show (the cost limit bounds the rest).
      const inner = selection(types, named.name!, 0).split(" ").filter(Boolean).slice(0, 4).join(" ");
      if (inner) parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.join(" ");
}
