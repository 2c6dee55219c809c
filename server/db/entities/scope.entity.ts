import { defineEntity, p } from "@mikro-orm/postgresql";
import { Organization } from "./organization.entity.ts";

/** An organization's custom scope; the built-in scopes live in code. */
export const ScopeSchema = defineEntity({
  name: "Scope",
  tableName: "scopes",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    organization: () => p.manyToOne(Organization).ref().deleteRule("cascade"),
    name: p.text(),
    /** Shown on the consent page. */
    description: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["organization", "name"] }],
});

export class Scope extends ScopeSchema.class {}
ScopeSchema.setClass(Scope);
