import type { EntityManager } from "@mikro-orm/postgresql";
import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { User, WebauthnCredential } from "../../db/entities/index.ts";
import { NotFoundError } from "../errors.ts";
import { recordUserEvent, userEventScopes } from "../users/record-user-event.ts";
import { challengeMatches, issueChallenge, responseChallenge, spendChallenge } from "./passkey-challenge.ts";
import type { RelyingParty } from "./relying-party.ts";

/** The longest name a passkey may be given. */
export const MAX_PASSKEY_NAME_LENGTH = 64;

/**
 * The options of `navigator.credentials.create()` for a new passkey of the signed-in user (session `sessionId`): a
 * discoverable credential (resident key required, so it can sign in alone), user verification preferred, and the
 * user's passkeys excluded so one authenticator is not registered twice.
 */
export async function passkeyRegistrationOptions(
  em: EntityManager,
  keyring: MasterKeyring,
  rp: RelyingParty,
  input: { readonly userId: string; readonly sessionId: string },
  now: Date,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const user = await em.findOne(User, { id: input.userId });
  if (!user) throw new NotFoundError("User");
  const existing = await em.find(WebauthnCredential, { user: user.id }, { orderBy: { createdAt: "asc" } });
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.displayName || user.email,
    userID: new TextEncoder().encode(user.id),
    challenge: issueChallenge(keyring, { purpose: "register", sessionId: input.sessionId }, now),
    attestationType: "none",
    excludeCredentials: existing.map((credential) => ({
      id: credential.credentialId,
      transports: credential.transports,
    })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
}

export type RegisterPasskeyResult =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly reason: "invalid_response" | "duplicate" };

/**
 * Adds the passkey the browser created (WebAuthn §7.1: challenge of this session, once; origin and RP id; user
 * presence), named by the user, and records `user.mfa_enrolled` (`method: "passkey"`).
 */
export async function registerPasskey(
  em: EntityManager,
  keyring: MasterKeyring,
  rp: RelyingParty,
  input: {
    readonly userId: string;
    readonly sessionId: string;
    readonly name: string;
    readonly response: RegistrationResponseJSON;
  },
  now: Date,
): Promise<RegisterPasskeyResult> {
  const scope = { purpose: "register", sessionId: input.sessionId } as const;
  const challenge = responseChallenge(input.response.response.clientDataJSON);
  if (!challenge || !challengeMatches(keyring, challenge, scope, now)) return { ok: false, reason: "invalid_response" };
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: (value) => challengeMatches(keyring, value, scope, now),
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) return { ok: false, reason: "invalid_response" };
  if (!(await spendChallenge(em, challenge, now))) return { ok: false, reason: "invalid_response" };
  const info = verification.registrationInfo;
  const name = input.name.trim().slice(0, MAX_PASSKEY_NAME_LENGTH) || "Passkey";
  return em.transactional(async (tx) => {
    if ((await tx.count(WebauthnCredential, { credentialId: info.credential.id })) > 0) {
      return { ok: false, reason: "duplicate" } as const;
    }
    tx.create(WebauthnCredential, {
      id: crypto.randomUUID(),
      user: tx.getReference(User, input.userId),
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
      counter: info.credential.counter,
      transports: info.credential.transports ?? input.response.response.transports ?? [],
      name,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      createdAt: now,
      lastUsedAt: null,
    });
    recordUserEvent(
      tx,
      await userEventScopes(tx, input.userId),
      {
        type: "user.mfa_enrolled",
        userId: input.userId,
        actor: { type: "user", id: input.userId },
        payload: { method: "passkey" },
      },
      now,
    );
    await tx.flush();
    return { ok: true, name } as const;
  });
}
