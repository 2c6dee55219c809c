import type { InvitationProblem } from "../../services/invitations/invitation-rules.ts";

/** Readable pages for an invitation link that cannot be used, each saying what to do next. */
export const INVITATION_PROBLEM_PAGES: Record<InvitationProblem | "missing", { title: string; message: string }> = {
  missing: {
    title: "Open your invitation link",
    message: "To join a workspace, open the link in the invitation email you received.",
  },
  invalid: {
    title: "This invitation link doesn't work",
    message:
      "The link is incomplete or was replaced by a newer one. Use the latest invitation email, or ask the person who invited you to resend it.",
  },
  accepted: {
    title: "This invitation was already used",
    message: "Each invitation link works once. Sign in to reach the workspace you joined.",
  },
  revoked: {
    title: "This invitation was withdrawn",
    message: "The workspace withdrew this invitation. Ask the person who invited you for a new one.",
  },
  expired: {
    title: "This invitation has expired",
    message: "Invitations work for 7 days. Ask the person who invited you to resend it.",
  },
};

/** "a member", "an admin", "an owner". */
export function withArticle(role: string): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}
