/**
 * The ClientSecret dynamic provider: one more secret of a confidential app (beside the one OAuthApp manages), for
 * a second deploy or a partner. Its plaintext is the `secret` output, declared secret by the resource.
 * A new `rotation`, name or expiresAt mints a new secret in place (a secret's name and expiry are fixed) and the
 * previous one keeps working for `rotationOverlap`; only a new `app` replaces the resource. Deleting it revokes the
 * secret at once. Serialized into the state: no runtime imports besides the other provider modules, globals only.
 */
import { type ErrorSubject, isNotFound, type LatchSettings, resolveSettings } from "./client.ts";
import {
  changedProperties,
  diffResult,
  engineFacing,
  fetchNode,
  mutate,
  nullish,
  type ProviderConfig,
  type ProviderState,
  settingsOf,
} from "./common.ts";
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  type Failure,
  isUnknown,
  nameProblem,
  rotationOverlapProblem,
  rotationOverlapSeconds,
  timestampProblem,
  UNKNOWN,
} from "./rules.ts";

export type ClientSecretInputs = {
  /** The confidential app: an OAuthApp's `id`. */
  app: string;
  /** A label, 1 to 100 characters. */
  name: string;
  /** When it stops working (ISO 8601, in the future when created); never when omitted. */
  expiresAt?: string | null;
  /** Any string; changing it mints a new secret in place. */
  rotation?: string | null;
  /** How long a secret this resource replaces keeps working: seconds or `30m`, `24h`, `7d`. Default 24h. */
  rotationOverlap?: number | string;
};

export type ClientSecretDesired = {
  app: string;
  name: string;
  expiresAt: string | null;
  rotation: string | null;
  rotationOverlap: number;
};

export type ClientSecretOutputs = ClientSecretDesired & {
  /** The plaintext. Declared secret: encrypted in the state. */
  secret: string;
  last4: string;
  /** The global id of the secret now in use (rotation mints a new one under the same resource). */
  secretId: string;
  status: "ACTIVE" | "EXPIRED" | "REVOKED";
};

const FIELDS = "id name last4 expiresAt status application { id }";
type LiveSecret = {
  id: string;
  name: string;
  last4: string;
  expiresAt: string | null;
  status: "ACTIVE" | "EXPIRED" | "REVOKED";
  application: { id: string };
};

function subjectOf(inputs: { name?: unknown } | undefined, id?: string): ErrorSubject {
  const name = typeof inputs?.name === "string" && inputs.name !== UNKNOWN ? inputs.name : id;
  return { resource: `ClientSecret${name ? ` "${name}"` : ""}`, fields: { applicationId: "app" } };
}

/** The same instant the way the server prints it, so diff does not see `Z` and `.000Z` as a change. */
function canonicalTime(value: string | null): string | null {
  return value === null || value === UNKNOWN ? value : new Date(value).toISOString();
}

async function mint(settings: LatchSettings, desired: ClientSecretDesired, subject: ErrorSubject) {
  return mutate<{ secret: string; clientSecret: LiveSecret }>(
    settings,
    "createClientSecret",
    `mutation LatchPulumiCreateSecret($applicationId: ID!, $name: String!, $expiresAt: DateTime) {
      createClientSecret(applicationId: $applicationId, name: $name, expiresAt: $expiresAt) {
        __typename ...MutationErrors ... on CreateClientSecretPayload { secret clientSecret { ${FIELDS} } }
      }
    }`,
    { applicationId: desired.app, name: desired.name, expiresAt: desired.expiresAt },
    subject,
  );
}

/** Revokes a secret after `overlapSeconds` (0: at once); one already gone counts as revoked. */
async function revoke(settings: LatchSettings, id: string, overlapSeconds: number, subject: ErrorSubject) {
  try {
    await mutate(
      settings,
      "revokeClientSecret",
      `mutation LatchPulumiRevokeSecret($id: ID!, $overlapSeconds: Int) {
        revokeClientSecret(id: $id, overlapSeconds: $overlapSeconds) { __typename ...MutationErrors }
      }`,
      { id, overlapSeconds },
      subject,
      true,
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function outputsOf(desired: ClientSecretDesired, live: LiveSecret, secret: string): ClientSecretOutputs {
  return nullish({
    app: live.application.id,
    name: live.name,
    expiresAt: canonicalTime(live.expiresAt),
    rotation: desired.rotation,
    rotationOverlap: desired.rotationOverlap,
    secret,
    last4: live.last4,
    secretId: live.id,
    status: live.status,
  }) as ClientSecretOutputs;
}

export function createClientSecretProvider() {
  const provider = {
    settings: undefined as LatchSettings | undefined,

    async configure(request: { config: ProviderConfig }): Promise<void> {
      (this as ProviderState).settings = resolveSettings(request.config);
    },

    async check(_olds: Partial<ClientSecretOutputs>, news: Partial<ClientSecretInputs>) {
      const failures: Failure[] = [];
      const expiresAt = news.expiresAt ?? null;
      const inputs: ClientSecretDesired = {
        app: news.app as string,
        name: typeof news.name === "string" && !isUnknown(news.name) ? news.name.trim() : (news.name as string),
        expiresAt:
          isUnknown(expiresAt) || timestampProblem("expiresAt", expiresAt) ? expiresAt : canonicalTime(expiresAt),
        rotation: news.rotation === undefined || news.rotation === null ? null : String(news.rotation),
        rotationOverlap: rotationOverlapSeconds(news.rotationOverlap),
      };
      if (!isUnknown(inputs.app) && (typeof inputs.app !== "string" || inputs.app === "")) {
        failures.push({ property: "app", reason: "app must be the id of an OAuthApp" });
      }
      if (!isUnknown(inputs.name)) {
        const problem = nameProblem("name", news.name);
        if (problem) failures.push({ property: "name", reason: problem });
      }
      if (!isUnknown(expiresAt)) {
        const problem = timestampProblem("expiresAt", expiresAt);
        if (problem) failures.push({ property: "expiresAt", reason: problem });
      }
      if (!isUnknown(inputs.rotationOverlap)) {
        const problem = rotationOverlapProblem(inputs.rotationOverlap);
        if (problem) failures.push({ property: "rotationOverlap", reason: problem });
      }
      // Structs cannot carry undefined: a missing required input is null (and a failure) instead.
      return { inputs: nullish(inputs) as ClientSecretDesired, failures };
    },

    async diff(_id: string, olds: Partial<ClientSecretOutputs>, news: ClientSecretDesired) {
      // State written before rotationOverlap existed had the default in effect.
      const before = { rotationOverlap: DEFAULT_ROTATION_OVERLAP_SECONDS, ...olds };
      const changed = changedProperties(before, news, ["app", "name", "expiresAt", "rotation", "rotationOverlap"]);
      return diffResult(changed, ["app"]);
    },

    async create(inputs: ClientSecretDesired): Promise<{ id: string; outs: ClientSecretOutputs }> {
      const subject = subjectOf(inputs);
      const minted = await mint(settingsOf(this as ProviderState, subject), inputs, subject);
      return { id: minted.clientSecret.id, outs: outputsOf(inputs, minted.clientSecret, minted.secret) };
    },

    async read(id: string, props?: Partial<ClientSecretOutputs>) {
      const subject = subjectOf(props, id);
      const settings = settingsOf(this as ProviderState, subject);
      const live = await fetchNode<LiveSecret>(settings, props?.secretId ?? id, "ClientSecret", FIELDS, subject);
      // A revoked or expired secret never works again: it is gone, and the next `up` mints another.
      if (live?.status !== "ACTIVE") return { id: "" };
      const desired = {
        rotation: props?.rotation ?? null,
        rotationOverlap: props?.rotationOverlap ?? DEFAULT_ROTATION_OVERLAP_SECONDS,
      } as ClientSecretDesired;
      const outs = outputsOf(desired, live, props?.secret ?? "");
      const { secret: _secret, last4: _last4, secretId: _secretId, status: _status, ...inputs } = outs;
      return { id, props: outs, inputs };
    },

    async update(
      id: string,
      olds: ClientSecretOutputs,
      news: ClientSecretDesired,
    ): Promise<{ outs: ClientSecretOutputs }> {
      const subject = subjectOf(news, id);
      const settings = settingsOf(this as ProviderState, subject);
      const reminted = changedProperties(olds, news, ["name", "expiresAt"]);
      const rotated = news.rotation !== null && news.rotation !== (olds.rotation ?? null);
      if (reminted.length === 0 && !rotated) {
        return { outs: { ...olds, rotation: news.rotation, rotationOverlap: news.rotationOverlap } };
      }
      const cause = { ...subject, property: reminted[0] ?? "rotation" };
      const minted = await mint(settings, news, cause);
      await revoke(settings, olds.secretId ?? id, news.rotationOverlap, cause);
      return { outs: outputsOf(news, minted.clientSecret, minted.secret) };
    },

    async delete(id: string, props: Partial<ClientSecretOutputs>): Promise<void> {
      const subject = subjectOf(props, id);
      await revoke(settingsOf(this as ProviderState, subject), props.secretId ?? id, 0, subject);
    },
  };
  return engineFacing(provider, ["secret"]);
}

export type ClientSecretProvider = ReturnType<typeof createClientSecretProvider>;
