import { defineEntity, p } from "@mikro-orm/postgresql";

/** A challenge already answered (its SHA-256), kept until it expires so it is accepted once. */
export const WebauthnSpentChallengeSchema = defineEntity({
  name: "WebauthnSpentChallenge",
  tableName: "webauthn_spent_challenges",
  properties: {
    challengeHash: p.text().primary(),
    expiresAt: p.datetime(),
  },
});

export class WebauthnSpentChallenge extends WebauthnSpentChallengeSchema.class {}
WebauthnSpentChallengeSchema.setClass(WebauthnSpentChallenge);
