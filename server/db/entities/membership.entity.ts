import { defineEntity, p } from "@mikro-orm/postgresql";
import { Organization } from "./organization.entity.ts";
import { User } from "./user.entity.ts";

export const membershipRoles = ["owner", "admin", "member"] as const;
export type MembershipRole = (typeof membershipRoles)[number];

/** A user's role in an organization; only owners and admins manage its apps and credentials. */
export const MembershipSchema = defineEntity({
  name: "Membership",
  tableName: "memberships",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    role: p.enum(membershipRoles),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ["user", "organization"] }],
  indexes: [{ properties: ["organization"] }],
});

export class Membership extends MembershipSchema.class {}
MembershipSchema.setClass(Membership);
