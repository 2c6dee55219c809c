import { defineEntity, p } from "@mikro-orm/postgresql";
import { Application } from "./application.entity.ts";

/** A registered redirect URI of an application, matched by exact string comparison. */
export const RedirectUriSchema = defineEntity({
  name: "RedirectUri",
  tableName: "redirect_uris",
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    application: () => p.manyToOne(Application).ref().deleteRule("cascade"),
    uri: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ["application", "uri"] }],
});

export class RedirectUri extends RedirectUriSchema.class {}
RedirectUriSchema.setClass(RedirectUri);
