import type { EntityManager } from "@mikro-orm/postgresql";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import type { MasterKeyring } from "../../crypto/master-key.ts";
import { WebauthnCredential } from "../../db/entities/index.ts";
import { recordEvent } from "../record-event.ts";
import {
  type ChallengeScope,
  challengeMatches,
  issueChallenge,
  responseChallenge,
  spendChallenge,
} from "./passkey-challenge.ts";
import type { RelyingParty } from "./relying-party.ts";

/**
 * The options of `navigator.credentials.get()`: for signing in with a passkey alone (no `userId`), an empty
 * `allowCredentials` so the authenticator offers its discoverable credentials (and the browser its autofill); at the
 * second step, the user's own passkeys.
 */
export async function passkeyAuthenticationOptions(
  em: EntityManager,
  keyring: MasterKeyring,
  rp: RelyingParty,
  scope: Exclude<ChallengeScope, { purpose: "register" }>,
  now: Date,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowCredentials =
    scope.purpose === "second-factor"
      ? (await em.find(WebauthnCredential, { user: scope.userId })).map((credential) => ({
          id: credential.credentialId,
          transports: credential.transports,
        }))
      : [];
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials,
    challenge: issueChallenge(keyring, scope, now),
    userVerification: "preferred",
  });
}

/** How a verified passkey signs in: `synced` when the authenticator backs it up (BE/BS flags), hence `swk`. */
export type VerifiedPasskey = { readonly userId: string; readonly credentialId: string; readonly synced: boolean };

export type VerifyPasskeyResult =
  | ({ readonly ok: true } & VerifiedPasskey)
  | { readonly ok: false; readonly reason: "invalid_response" | "unknown_credential" | "replayed" };

/**
 * Verifies a WebAuthn assertion (WebAuthn §7.2): the challenge is ours, for `scope` and answered once; the credential
 * is registered (to `scope.userId` at the second step); origin, RP id, user presence and the signature hold; the
 * signature counter did not go backwards. Stamps the passkey's `lastUsedAt`, counter and backup state. A failure
 * with a known user is recorded as `user.mfa_failed` (`method: "passkey"`, `reason`).
 */
export async function verifyPasskey(
  em: EntityManager,
  keyring: MasterKeyring,
  rp: RelyingParty,
  input: {
    readonly response: AuthenticationResponseJSON;
    readonly scope: Exclude<ChallengeScope, { purpose: "register" }>;
  },
  now: Date,
): Promise<VerifyPasskeyResult> {
  const tx = em;
  const { scope } = input;
  const credential = await tx.findOne(WebauthnCredential, { credentialId: input.response.id });
  const userId = credential ? credential.user.id : scope.purpose === "second-factor" ? scope.userId : null;
  const fail = async (reason: "invalid_response" | "unknown_credential" | "replayed") => {
    if (userId) {
      recordEvent(
        tx,
        {
          type: "user.mfa_failed",
          subjectType: "user",
          subjectId: userId,
          actor: { type: "user", id: userId },
          payload: { method: "passkey", reason },
        },
        now,
      );
      await tx.flush();
    }
    return { ok: false, reason } as const;
  };
  const challenge = responseChallenge(input.response.response.clientDataJSON);
  if (!challenge || !challengeMatches(keyring, challenge, scope, now)) return fail("invalid_response");
  if (!credential || (scope.purpose === "second-factor" && credential.user.id !== scope.userId)) {
    return fail("unknown_credential");
  }
  const verification = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge: (value) => challengeMatches(keyring, value, scope, now),
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: credential.credentialId,
      publicKey: new Uint8Array(Buffer.from(credential.publicKey, "base64url")),
      counter: credential.counter,
      transports: credential.transports,
    },
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) return fail("invalid_response");
  if (!(await spendChallenge(tx, challenge, now))) return fail("replayed");
  const info = verification.authenticationInfo;
  credential.counter = info.newCounter;
  credential.lastUsedAt = now;
  credential.backedUp = info.credentialBackedUp;
  credential.deviceType = info.credentialDeviceType;
  await tx.flush();
  return { ok: true, userId: credential.user.id, credentialId: credential.id, synced: info.credentialBackedUp };
}
