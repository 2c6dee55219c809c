import { GraphQLError } from "graphql";

/**
 * graphql-js writes the offending value into its input coercion errors: `Variable "$input" got invalid value
 * { clientSecret: "...", ... }; Field "x" is not defined by type "Y".` and, for a literal in the query,
 * `Expected value of type "Y", found "...".` A client that sent one unknown field would get every input value
 * back, secrets included, and tools print such messages. These errors are rewritten to name the variable, the path
 * and the reason, never a value.
 */
export function redactInputValues(error: GraphQLError): GraphQLError | undefined {
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(error.message);
  if (variable) {
    const name = variable[1]!;
    const reasonError = error.originalError;
    // A scalar of ours refused it with a coded message of its own, which the caller passes on instead.
    if ((reasonError as GraphQLError | undefined)?.extensions?.code) return undefined;
    const reason = reasonError instanceof Error ? reasonError.message : "";
    const head = reason && error.message.endsWith(`; ${reason}`) ? error.message.slice(0, -reason.length - 2) : "";
    const at = new RegExp(` at "(${name}[\\w.[\\]]*)"$`).exec(head)?.[1];
    return rewritten(
      error,
      `Variable "$${name}" got an invalid value${at ? ` at "${at}"` : ""}; ${safeReason(reason)}`,
    );
  }
  // Validation of a literal in the query text: the scalar's or enum's own message, or graphql-js's.
  const literal = /^Expected value of type "([^"]+)", found /.exec(error.message);
  if (literal) return rewritten(error, `Expected value of type "${literal[1]}"; the value given is not one.`, true);
  const scalar = /^([\w" ]+ cannot represent [^:"]+?): /.exec(error.message);
  if (scalar) return rewritten(error, `${scalar[1]}.`, true);
  const enumName = /^Value .* does not exist in "(\w+)" enum\./s.exec(error.message)?.[1];
  if (enumName) return rewritten(error, `The value is not one of the "${enumName}" enum's values.`, true);
  return undefined;
}

function rewritten(error: GraphQLError, message: string, validation = false): GraphQLError {
  // A validation error keeps its extensions: yoga then gives it GRAPHQL_VALIDATION_FAILED, as any other.
  const extensions = validation ? error.extensions : { code: "BAD_USER_INPUT" };
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions,
  });
}

/** The reasons graphql-js gives that name only fields and types (and the schema's suggestions). */
const SAFE_REASONS = [
  /^Field "\w+" is not defined by type "\w+"\.( Did you mean [\w", ]+\?)?$/,
  /^Field "\w+" of required type "[\w![\]]+" was not provided\.$/,
  /^Field "\w+" must be non-null\.$/,
  /^Expected non-nullable type "[\w![\]]+" not to be null\.$/,
  /^Expected type "\w+"( to be an object)?\.$/,
  /^Exactly one key must be specified for OneOf type "\w+"\.$/,
];

/**
 * The reason without the value: scalar and enum parse errors quote it (`Int cannot represent non-integer value:
 * "abc"`, `Value "X" does not exist in "Kind" enum.`); the text before the value says enough.
 */
function safeReason(reason: string): string {
  if (SAFE_REASONS.some((pattern) => pattern.test(reason))) return reason;
  const type = /^Expected type "(\w+)"\./.exec(reason)?.[1];
  const enumName = /does not exist in "(\w+)" enum/.exec(reason)?.[1];
  if (enumName) return `the value is not one of the "${enumName}" enum's values.`;
  const before = reason
    .replace(/^Expected type "\w+"\. ?/, "")
    .split(/[:"]/)[0]
    ?.trim();
  if (before && /^[\w\s,.-]+$/.test(before)) return `${type ? `Expected type "${type}". ` : ""}${before}.`;
  return type ? `Expected type "${type}".` : "the value is not valid for its type.";
}

type ValidateDone = { result: readonly unknown[]; setResult: (errors: readonly unknown[]) => void };

/** Validation errors do not pass through maskError: this yoga plugin redacts the ones that quote a literal. */
export const redactInputValuesPlugin = {
  onValidate:
    () =>
    ({ result, setResult }: ValidateDone) => {
      if (result.length === 0) return;
      setResult(result.map((error) => (error instanceof GraphQLError ? (redactInputValues(error) ?? error) : error)));
    },
};
