import type { Application } from "../../db/entities/index.ts";

/** The settings of an OAuth client the protocol needs, as plain data. */
export type ClientRecord = {
  readonly id: string;
  readonly clientId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly type: "confidential" | "public";
  readonly isActive: boolean;
  readonly grantTypes: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly allowPasswordGrant: boolean;
  readonly accessTokenFormat: "jwt" | "opaque";
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshTokenRotation: boolean;
  readonly refreshReuseInterval: number;
};

export function toClientRecord(app: Application): ClientRecord {
  return {
    id: app.id,
    clientId: app.clientId,
    organizationId: app.organization.id,
    name: app.name,
    type: app.type,
    isActive: app.isActive,
    grantTypes: app.grantTypes,
    allowedScopes: app.allowedScopes,
    allowPasswordGrant: app.allowPasswordGrant,
    accessTokenFormat: app.accessTokenFormat,
    accessTokenTtl: app.accessTokenTtl,
    refreshTokenTtl: app.refreshTokenTtl,
    refreshTokenRotation: app.refreshTokenRotation,
    refreshReuseInterval: app.refreshReuseInterval,
  };
}
