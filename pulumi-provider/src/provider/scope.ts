/**
 * The Scope dynamic provider: a custom scope in the organization's catalogue. The name is its identity (a change
 * replaces it); the description changes in place. Serialized into the state: no runtime imports besides the other
 * provider modules, globals only.
 */
import { type ErrorSubject, graphql, type LatchSettings, resolveSettings } from "./client.ts";
import {
  changedProperties,
  checkSettingsOf,
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
  /** Take over a scope of that name that already exists (a retained one, one made in the console). */
  adopt?: boolean;
};
export type ScopeOutputs = Required<ScopeInputs>;

const FIELDS = "id name description";
export type LiveScope = { id: string; name: string; description: string };

function subjectOf(inputs: { name?: unknown } | undefined, id?: string): ErrorSubject {
  const name = typeof inputs?.name === "string" && inputs.name !== UNKNOWN ? inputs.name : id;
  return { resource: `Scope${name ? ` "${name}"` : ""}` };
}

const outputsOf = (scope: LiveScope, adopt = false): ScopeOutputs => ({
  name: scope.name,
  description: scope.description,
  adopt,
});

/** A scope the organization's apps may request: a built-in (`scope` null) or one of its own. */
export type ScopeDefinition = { name: string; description: string; builtIn: boolean; scope: LiveScope | null };

/** The scopes the organization's apps may request: the built-ins, then its own. */
export async function scopeDefinitions(settings: LatchSettings, subject: ErrorSubject): Promise<ScopeDefinition[]> {
  const data = await graphql<{ scopes: ScopeDefinition[] }>(
    settings,
    `query LatchPulumiScopeByName { scopes { name description builtIn scope { ${FIELDS} } } }`,
    {},
    { subject, idempotent: true },
  );
  return data.scopes;
}

/** The organization's custom scope of that name, or null. */
export async function findScopeByName(
  settings: LatchSettings,
  name: string,
  subject: ErrorSubject,
): Promise<LiveScope | null> {
  const definitions = await scopeDefinitions(settings, subject);
  return definitions.find((definition) => definition.name === name)?.scope ?? null;
}

async function updateDescription(settings: LatchSettings, id: string, description: string, subject: ErrorSubject) {
  const payload = await mutate<{ scope: LiveScope }>(
    settings,
    "updateScope",
    `mutation LatchPulumiUpdateScope($id: ID!, $description: String!) {
      updateScope(id: $id, description: $description) {
        __typename ...MutationErrors ... on ScopePayload { scope { ${FIELDS} } }
      }
    }`,
    { id, description },
    subject,
    true,
  );
  return payload.scope;
}

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
        adopt: news.adopt === undefined || news.adopt === null ? false : news.adopt,
      };
      const failures: Failure[] = [];
      if (!isUnknown(inputs.name)) {
        const problem = customScopeNameProblem(inputs.name);
        if (problem) failures.push({ property: "name", reason: problem });
        // An app of this program may then ask for it before it exists.
        else declareScope(inputs.name, checkSettingsOf(this as ProviderState));
      }
      if (!isUnknown(inputs.adopt) && typeof inputs.adopt !== "boolean") {
        failures.push({ property: "adopt", reason: "adopt must be true or false" });
      }
      if (!isUnknown(inputs.description)) {
        const problem = scopeDescriptionProblem(inputs.description);
        if (problem) failures.push({ property: "description", reason: problem });
      }
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(inputs) as ScopeOutputs, failures };
    },

    async diff(_id: string, olds: Partial<ScopeOutputs>, news: ScopeInputs) {
      return diffResult(changedProperties(olds, news, ["name", "description"]), ["name"]);
    },

    async create(inputs: ScopeOutputs): Promise<{ id: string; outs: ScopeOutputs }> {
      const subject = subjectOf(inputs);
      const settings = settingsOf(this as ProviderState, subject);
      if (inputs.adopt) {
        const existing = await findScopeByName(settings, inputs.name, subject);
        if (existing) {
          const scope =
            existing.description === inputs.description
              ? existing
              : await updateDescription(settings, existing.id, inputs.description, subject);
          return { id: scope.id, outs: outputsOf(scope, true) };
        }
      }
      let payload: { scope: LiveScope };
      try {
        payload = await mutate<{ scope: LiveScope }>(
          settings,
          "createScope",
          `mutation LatchPulumiCreateScope($name: String!, $description: String!) {
          createScope(name: $name, description: $description) {
            __typename ...MutationErrors ... on ScopePayload { scope { ${FIELDS} } }
          }
        }`,
          { name: inputs.name, description: inputs.description },
          subject,
        );
      } catch (error) {
        if ((error as { code?: string }).code === "CONFLICT") {
          (error as Error).message += " (set `adopt: true` to take over the existing scope)";
        }
        throw error;
      }
      return { id: payload.scope.id, outs: outputsOf(payload.scope, inputs.adopt) };
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
      const outs = outputsOf(scope, props?.adopt ?? false);
      return { id, props: outs, inputs: outs };
    },

    async update(id: string, _olds: ScopeOutputs, news: ScopeOutputs): Promise<{ outs: ScopeOutputs }> {
      const subject = subjectOf(news, id);
      const scope = await updateDescription(settingsOf(this as ProviderState, subject), id, news.description, subject);
      return { outs: outputsOf(scope, news.adopt) };
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
