import type { EntityManager } from "@mikro-orm/postgresql";
import { hasValidChecksum, mintSecret, SECRET_PREFIXES } from "../../crypto/prefixed-secret.ts";
import { hashSecret, safeEqual } from "../../crypto/sha256.ts";
import { Invitation, type Organization } from "../../db/entities/index.ts";
import type { Logger } from "../../logger.ts";
import { invitationMessage } from "../mail/account-messages.ts";
import type { Mailer } from "../mail/mailer.ts";

/** How long an invitation link works: a week, renewed by a resend. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** The path the invitation link opens (the token is its `token` query parameter). */
export const ACCEPT_INVITATION_PATH = "/invitations/accept";

/** What an invitation is now: waiting for its invitee, or done with one way or another. */
export type InvitationState = "pending" | "accepted" | "revoked" | "expired";

/** Why a link cannot be used: never there (mangled, or replaced by a resend), or no longer pending. */
export type InvitationProblem = "invalid" | Exclude<InvitationState, "pending">;

/** What the faces need to mail an invitation (built once at start-up, passed in). */
export type InvitationMailDeps = { readonly mailer: Mailer; readonly logger: Logger; readonly publicUrl: string };

export function invitationState(invitation: Invitation, now: Date): InvitationState {
  if (invitation.acceptedAt) return "accepted";
  if (invitation.revokedAt) return "revoked";
  if (invitation.expiresAt <= now) return "expired";
  return "pending";
}

/** The filter of an organization's pending invitations at `now`. */
export function pendingWhere(organizationId: string, now: Date) {
  return { organization: organizationId, acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } };
}

/** A fresh link token and the SHA-256 to store; the token is mailed once and never stored or logged. */
export function mintInvitationToken(): { readonly token: string; readonly tokenHash: string } {
  const token = mintSecret(SECRET_PREFIXES.accountLink);
  return { token, tokenHash: hashSecret(token) };
}

export type InvitationLookup =
  | { readonly ok: true; readonly invitation: Invitation; readonly organization: Organization }
  | { readonly ok: false; readonly problem: InvitationProblem };

/**
 * The invitation `token` names, with its organization, when it is still pending: well formed (prefix and checksum
 * before any lookup), known (a resend replaced the hash, so an older link is unknown), then compared again in
 * constant time.
 */
export async function findInvitationByToken(em: EntityManager, token: unknown, now: Date): Promise<InvitationLookup> {
  if (typeof token !== "string" || !token.startsWith(SECRET_PREFIXES.accountLink) || !hasValidChecksum(token)) {
    return { ok: false, problem: "invalid" };
  }
  const tokenHash = hashSecret(token);
  const invitation = await em.findOne(Invitation, { tokenHash }, { populate: ["organization"] });
  if (!invitation || !safeEqual(invitation.tokenHash, tokenHash)) return { ok: false, problem: "invalid" };
  const state = invitationState(invitation, now);
  if (state !== "pending") return { ok: false, problem: state };
  return { ok: true, invitation, organization: invitation.organization.getEntity() };
}

/**
 * Mails the invitation's link, after the change committed and without holding the caller up: an SMTP outage is
 * logged (never the link) and the inviter can resend.
 */
export function sendInvitationMail(
  deps: InvitationMailDeps,
  input: {
    readonly invitation: Invitation;
    readonly token: string;
    readonly organizationName: string;
    readonly inviterName: string | null;
  },
): void {
  const link = `${deps.publicUrl}${ACCEPT_INVITATION_PATH}?token=${input.token}`;
  const message = invitationMessage({
    to: input.invitation.email,
    link,
    organizationName: input.organizationName,
    inviterName: input.inviterName,
    role: input.invitation.role,
    days: INVITATION_TTL_MS / (24 * 60 * 60_000),
  });
  void deps.mailer
    .send(message)
    .catch((error: unknown) =>
      deps.logger.warn({ err: error, mail: "invitation", invitationId: input.invitation.id }, "mail could not be sent"),
    );
}
