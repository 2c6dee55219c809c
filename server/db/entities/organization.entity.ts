import { defineEntity, p } from "@mikro-orm/postgresql";

/** Who may create an account while authorizing one of the organization's apps (invitees always may). */
export const signUpPolicies = ["OPEN", "INVITE_ONLY", "CLOSED"] as const;
export type SignUpPolicy = (typeof signUpPolicies)[number];

/** A workspace (the seeds also call it a guild); it owns applications, scopes, API keys, webhooks and integrations. */
export const OrganizationSchema = defineEntity({
  name: "Organization",
  tableName: "organizations",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.text(),
    slug: p.text().unique(),
    signUpPolicy: p.enum(signUpPolicies).default("CLOSED"),
    /** Whether a user must have verified their email before consenting to one of the organization's apps. */
    requireVerifiedEmail: p.boolean().default(false),
    /** Whether its owners and admins must sign in with a second factor (asked to enrol at their next sign-in). */
    requireMfaForAdmins: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Organization extends OrganizationSchema.class {}
OrganizationSchema.setClass(Organization);
