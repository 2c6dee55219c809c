import { defineEntity, p } from "@mikro-orm/postgresql";
import type { JWK } from "jose";

export const signingKeyAlgorithms = ["ES256", "EdDSA"] as const;
export type SigningKeyAlgorithm = (typeof signingKeyAlgorithms)[number];

export const signingKeyStatuses = ["active", "retired"] as const;
export type SigningKeyStatus = (typeof signingKeyStatuses)[number];

/**
 * A JWT signing key pair, identified by its `kid`. The private key is envelope-encrypted. A retired key stays in the
 * JWKS until `expiresAt`, when the last token it signed has expired. The database allows one active key per
 * algorithm (a partial unique index), so two concurrent rotations cannot both win.
 */
export const SigningKeySchema = defineEntity({
  name: "SigningKey",
  tableName: "signing_keys",
  properties: {
    kid: p.text().primary(),
    algorithm: p.enum(signingKeyAlgorithms),
    status: p.enum(signingKeyStatuses),
    publicJwk: p.json<JWK>(),
    privateKeyEncrypted: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    retiredAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
  },
  uniques: [{ name: "signing_keys_one_active_per_algorithm", properties: ["algorithm"], where: { status: "active" } }],
});

export class SigningKey extends SigningKeySchema.class {}
SigningKeySchema.setClass(SigningKey);
