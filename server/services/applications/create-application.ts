import { randomBytes } from "node:crypto";
import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { encodeBase62 } from "../../crypto/base62.ts";
import {
  ACCESS_TOKEN_TTL,
  DEFAULT_ACCESS_TOKEN_FORMAT,
  DEFAULT_ALLOWED_SCOPES,
  defaultGrantTypes,
  REFRESH_REUSE_INTERVAL,
  REFRESH_TOKEN_TTL,
} from "../../db/entities/application-settings.ts";
import { Application, Organization, RedirectUri, Scope } from "../../db/entities/index.ts";
import { definedFields } from "../../defined-fields.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";
import {
  checkAllowedScopes,
  checkAppName,
  checkColor,
  checkGrantTypes,
  checkIsResourceServer,
  checkPublicUrl,
  checkRedirectUris,
  checkSeconds,
  checkTokenEndpointAuthMethod,
} from "./application-rules.ts";
import { mintClientSecret } from "./mint-client-secret.ts";
import type { ApplicationChanges } from "./update-application.ts";

/** A new app: its identity and type, plus any of the settings an update may change later. */
export type CreateApplicationInput = Omit<ApplicationChanges, "name" | "refreshTokenRotation"> & {
  readonly organizationId: string;
  readonly name: string;
  readonly type: "confidential" | "public";
  readonly redirectUris?: readonly string[];
  readonly createdById?: string | null;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

export type CreatedApplication = {
  readonly application: Application;
  /** The first client secret of a confidential app, shown once. */
  readonly clientSecret: string | undefined;
};

/** A public, unguessable client identifier (RFC 6749 §2.2); not a secret, so no checksum. */
export function newClientId(): string {
  return `latch_ci_${encodeBase62(randomBytes(16), 22)}`;
}

/** Registers an OAuth app with its redirect URIs and, for confidential apps, its first secret, in one transaction. */
export async function createApplication(
  em: EntityManager,
  input: CreateApplicationInput,
  now: Date,
): Promise<CreatedApplication> {
  const name = checkAppName(input.name);
  const type = input.type;
  const allowPasswordGrant = input.allowPasswordGrant ?? false;
  const grantTypes = checkGrantTypes(input.grantTypes ?? defaultGrantTypes(type), type, allowPasswordGrant);
  const redirectUris = checkRedirectUris(input.redirectUris ?? []);
  const tokenEndpointAuthMethod = checkTokenEndpointAuthMethod(input.tokenEndpointAuthMethod ?? "any", type);
  const isResourceServer = checkIsResourceServer(input.isResourceServer ?? false, type);
  const settings = {
    accessTokenTtl: checkSeconds("accessTokenTtl", input.accessTokenTtl, ACCESS_TOKEN_TTL),
    refreshTokenTtl: checkSeconds("refreshTokenTtl", input.refreshTokenTtl, REFRESH_TOKEN_TTL),
    refreshReuseInterval: checkSeconds("refreshReuseInterval", input.refreshReuseInterval, REFRESH_REUSE_INTERVAL),
  };
  const branding = {
    logoUrl: checkPublicUrl("logoUrl", input.logoUrl),
    primaryColor: checkColor("primaryColor", input.primaryColor),
    secondaryColor: checkColor("secondaryColor", input.secondaryColor),
    homepageUrl: checkPublicUrl("homepageUrl", input.homepageUrl),
    privacyPolicyUrl: checkPublicUrl("privacyPolicyUrl", input.privacyPolicyUrl),
    termsOfServiceUrl: checkPublicUrl("termsOfServiceUrl", input.termsOfServiceUrl),
  };
  try {
    return await em.transactional(async (tx) => {
      const organization = await tx.findOne(Organization, { id: input.organizationId });
      if (!organization) throw new NotFoundError("Organization");
      const custom = await tx.find(Scope, { organization }, { fields: ["name"] });
      const allowedScopes = checkAllowedScopes(
        input.allowedScopes ?? DEFAULT_ALLOWED_SCOPES,
        custom.map((scope) => scope.name),
      );
      const application = tx.create(Application, {
        organization,
        name,
        description: input.description ?? null,
        clientId: newClientId(),
        type,
        grantTypes,
        allowPasswordGrant,
        allowedScopes,
        accessTokenFormat: input.accessTokenFormat ?? DEFAULT_ACCESS_TOKEN_FORMAT,
        tokenEndpointAuthMethod,
        isResourceServer,
        ...definedFields(settings),
        ...branding,
        isActive: true,
        createdBy: input.createdById ?? null,
        createdAt: now,
        updatedAt: now,
      });
      for (const uri of redirectUris) tx.create(RedirectUri, { application, uri, createdAt: now });
      const secret =
        type === "confidential"
          ? mintClientSecret(
              tx,
              { application, name: "Initial secret", expiresAt: null, createdById: input.createdById ?? null },
              now,
            )
          : undefined;
      recordEvent(
        tx,
        {
          type: "application.created",
          organizationId: organization.id,
          applicationId: application.id,
          subjectType: "application",
          subjectId: application.id,
          actor: input.actor,
          payload: { name, clientId: application.clientId, type },
        },
        now,
      );
      return { application, clientSecret: secret?.plaintext };
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError(`an application named "${name}" already exists in this organization`, "name");
    }
    throw error;
  }
}
