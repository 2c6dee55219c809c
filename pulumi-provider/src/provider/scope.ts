/**
 * The Scope dynamic provider: a custom scope in the organization's catalogue. The name is its identity (a change
 * replaces it); the description changes in place. Serialized into the state: no runtime imports besides the other
 * provider modules, globals only.
 */
import { type ErrorSubject, type LatchSettings, resolveSettings } from "./client.ts";
import {
  changedProperties,
  deleteIdempotently,
  diffResult,
  engineFacing,
  fetchNode,
  mutate,
  nullish,
  type ProviderConfig,
  type ProviderState,
  settingsOf,
} from "./common.ts";
import { customScopeNameProblem, type Failure, isUnknown, scopeDescriptionProblem, UNKNOWN } from "./rules.ts";
import { declareScope } from "./scope-catalogue.ts";

export type ScopeInputs = {
  /** 1 to 64 lowercase letters, digits or `:._-`; not a built-in name. A change replaces the scope. */
  name: string;
  /** Shown on the consent page, 1 to 200 characters. */
  description: string;
};
export type ScopeOutputs = ScopeInputs;

const FIELDS = "id name description";
type LiveScope = { id: string; name: string; description: string };

function subjectOf(inputs: { name?: unknown } | undefined, id?: string): ErrorSubject {
  const name = typeof inputs?.name === "string" && inputs.name !== UNKNOWN ? inputs.name : id;
  return { resource: `Scope${name ? ` "${name}"` : ""}` };
}

const outputsOf = (scope: LiveScope): ScopeOutputs => ({ name: scope.name, description: scope.description });

export function createScopeProvider() {
  const provider = {
    settings: undefined as LatchSettings | undefined,

    async configure(request: { config: ProviderConfig }): Promise<void> {
      (this as ProviderState).settings = resolveSettings(request.config);
    },

    async check(_olds: Partial<ScopeOutputs>, news: Partial<ScopeInputs>) {
      const inputs = {
        name: news.name as string,
        description:
          typeof news.description === "string" && !isUnknown(news.description)
            ? news.description.trim()
            : (news.description as string),
      };
      const failures: Failure[] = [];
      if (!isUnknown(inputs.name)) {
        const problem = customScopeNameProblem(inputs.name);
        if (problem) failures.push({ property: "name", reason: problem });
        // An app of this program may then ask for it before it exists.
        else declareScope(inputs.name);
      }
      if (!isUnknown(inputs.description)) {
        const problem = scopeDescriptionProblem(inputs.description);
        if (problem) failures.push({ property: "description", reason: problem });
      }
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(inputs) as ScopeInputs, failures };
    },

    async diff(_id: string, olds: Partial<ScopeOutputs>, news: ScopeInputs) {
      return diffResult(changedProperties(olds, news, ["name", "description"]), ["name"]);
    },

    async create(inputs: ScopeInputs): Promise<{ id: string; outs: ScopeOutputs }> {
      const subject = subjectOf(inputs);
      const payload = await mutate<{ scope: LiveScope }>(
        settingsOf(this as ProviderState, subject),
        "createScope",
        `mutation LatchPulumiCreateScope($name: String!, $description: String!) {
          createScope(name: $name, description: $description) {
            __typename ...MutationErrors ... on ScopePayload { scope { ${FIELDS} } }
          }
        }`,
        { name: inputs.name, description: inputs.description },
        subject,
      );
      return { id: payload.scope.id, outs: outputsOf(payload.scope) };
    },

    async read(id: string, props?: Partial<ScopeOutputs>) {
      const subject = subjectOf(props, id);
      const scope = await fetchNode<LiveScope>(
        settingsOf(this as ProviderState, subject),
        id,
        "Scope",
        FIELDS,
        subject,
      );
      if (!scope) return { id: "" };
      const outs = outputsOf(scope);
      return { id, props: outs, inputs: outs };
    },

    async update(id: string, _olds: ScopeOutputs, news: ScopeInputs): Promise<{ outs: ScopeOutputs }> {
      const subject = subjectOf(news, id);
      const payload = await mutate<{ scope: LiveScope }>(
        settingsOf(this as ProviderState, subject),
        "updateScope",
        `mutation LatchPulumiUpdateScope($id: ID!, $description: String!) {
          updateScope(id: $id, description: $description) {
            __typename ...MutationErrors ... on ScopePayload { scope { ${FIELDS} } }
          }
        }`,
        { id, description: news.description },
        subject,
        true,
      );
      return { outs: outputsOf(payload.scope) };
    },

    async delete(id: string, props: Partial<ScopeOutputs>): Promise<void> {
      const subject = subjectOf(props, id);
      await deleteIdempotently(
        settingsOf(this as ProviderState, subject),
        "deleteScope",
        "mutation LatchPulumiDeleteScope($id: ID!) { deleteScope(id: $id) { __typename ...MutationErrors } }",
        id,
        subject,
      );
    },
  };
  return engineFacing(provider, []);
}

export type ScopeProvider = ReturnType<typeof createScopeProvider>;
