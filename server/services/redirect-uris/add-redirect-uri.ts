import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { Application, RedirectUri } from "../../db/entities/index.ts";
import { checkRedirectUris } from "../applications/application-rules.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { type ActorType, recordEvent } from "../record-event.ts";

export type AddRedirectUriInput = {
  readonly applicationId: string;
  readonly organizationId: string;
  readonly uri: string;
  readonly actor: { readonly type: ActorType; readonly id?: string | null };
};

/** The registration rules of {@link checkRedirectUris}, reported against the `uri` argument of this operation. */
function checkUri(uri: string): string {
  try {
    return checkRedirectUris([uri])[0] ?? uri;
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError("uri", error.message);
    throw error;
  }
}

/**
 * Registers one more redirect URI on an app: https, http on loopback, or a private-use scheme; no fragment,
 * wildcard or userinfo (RFC 9700 §4.1.3, RFC 8252 §7). It is matched exactly at `/oauth2/authorize` from the
 * moment the transaction commits.
 */
export async function addRedirectUri(em: EntityManager, input: AddRedirectUriInput, now: Date): Promise<RedirectUri> {
  const uri = checkUri(input.uri);
  try {
    return await em.transactional(async (tx) => {
      const app = await tx.findOne(Application, { id: input.applicationId, organization: input.organizationId });
      if (!app) throw new NotFoundError("Application");
      const row = tx.create(RedirectUri, { application: app, uri, createdAt: now, lastUsedAt: null });
      recordEvent(
        tx,
        {
          type: "redirect_uri.added",
          organizationId: input.organizationId,
          applicationId: app.id,
          subjectType: "redirect_uri",
          subjectId: row.id,
          actor: input.actor,
          payload: { applicationId: app.id, uri },
        },
        now,
      );
      return row;
    });
  } catch (error) {
    // The (application, uri) unique index decides, so two concurrent adds of one URI cannot both succeed.
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError(`the redirect URI "${uri}" is already registered on this application`, "uri");
    }
    throw error;
  }
}
