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
  /** The one secret method a confidential client may use, or `any` (RFC 7591 §2). */
  readonly tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post" | "any";
  /** May introspect every token of its organization, not only its own (RFC 7662 §4). */
  readonly isResourceServer: boolean;
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
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    isResourceServer: app.isResourceServer,
  };
}
