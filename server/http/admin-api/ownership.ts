import type { Context } from "hono";
import { applicationOwner, childOwner } from "../../services/applications/read-application-views.ts";
import type { HttpDeps } from "../deps.ts";
import { type AdminCaller, AdminResponse, adminError } from "./admin-request.ts";

/**
 * Another organization's id answers 403 (the seed's "another organization"), an id no organization has (a malformed
 * one included) 404; so a caller learns nothing it could not learn by creating ids, and never sees another's data.
 */
async function check(c: Context, owner: string | null, caller: AdminCaller, resource: string): Promise<void> {
  if (owner === null) throw new AdminResponse(adminError(c, 404, "not_found", `${resource} not found`));
  if (owner !== caller.organizationId) {
    throw new AdminResponse(adminError(c, 403, "forbidden", `${resource} belongs to another organization`));
  }
}

export async function ensureOwnApplication(c: Context, deps: HttpDeps, caller: AdminCaller, id: string): Promise<void> {
  await check(c, await applicationOwner(deps.orm.em.fork(), id), caller, "Application");
}

/** As {@link ensureOwnApplication}, and 404 for a webhook or provider of another app of the organization. */
export async function ensureOwnChild(
  c: Context,
  deps: HttpDeps,
  caller: AdminCaller,
  child: { kind: "webhook" | "provider"; id: string; applicationId: string },
): Promise<void> {
  const resource = child.kind === "webhook" ? "Webhook" : "Provider";
  const owner = await childOwner(deps.orm.em.fork(), child.kind, child.id);
  await check(c, owner?.organizationId ?? null, caller, resource);
  if (owner?.applicationId !== child.applicationId) {
    throw new AdminResponse(adminError(c, 404, "not_found", `${resource} not found on this application`));
  }
}
