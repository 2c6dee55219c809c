import { defineEntity, p } from "@mikro-orm/postgresql";
import { membershipRoles } from "./membership.entity.ts";
import { Organization } from "./organization.entity.ts";
import { User } from "./user.entity.ts";

/**
 * An invitation to join an organization with a role, sent to an address that may have no account yet. Only the
 * link token's SHA-256 is stored; resending replaces it. Pending while none of accepted, revoked or expired.
 */
export const InvitationSchema = defineEntity({
  name: "Invitation",
  tableName: "invitations",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    email: p.text(),
    emailNormalized: p.text(),
    role: p.enum(membershipRoles),
    tokenHash: p.text().unique(),
    invitedBy: () => p.manyToOne(User).ref().nullable().deleteRule("set null"),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ["organization", "emailNormalized"] }],
});

export class Invitation extends InvitationSchema.class {}
InvitationSchema.setClass(Invitation);
