import type { EntityManager } from "@mikro-orm/postgresql";
import { providerLabel } from "../../connections/login/login-provider-kinds.ts";
import { IdentityProvider } from "../../db/entities/index.ts";
import { isUuid } from "../../uuid.ts";

/** An identity provider as a sign-in through it needs it: the row, what its Events name, and its button label. */
export type LoginProviderRecord = {
  readonly row: IdentityProvider;
  readonly ref: {
    readonly id: string;
    readonly kind: IdentityProvider["kind"];
    readonly applicationId: string;
    readonly organizationId: string;
  };
  readonly label: string;
};

/** An enabled provider of an active app; with `clientId`, only one of that app (the authorization request's). */
export async function loadLoginProvider(
  em: EntityManager,
  id: string,
  clientId: string | null,
): Promise<LoginProviderRecord | null> {
  if (!isUuid(id)) return null;
  const row = await em.findOne(
    IdentityProvider,
    { id, enabled: true, application: { isActive: true, ...(clientId !== null && { clientId }) } },
    { populate: ["application"] },
  );
  if (!row) return null;
  const app = row.application.getEntity();
  return {
    row,
    ref: { id: row.id, kind: row.kind, applicationId: app.id, organizationId: app.organization.id },
    label: providerLabel(row),
  };
}
