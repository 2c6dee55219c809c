import type { EntityManager } from "@mikro-orm/postgresql";
import type { CreatedSession } from "../sessions/create-session.ts";
import { signInUser } from "../sessions/sign-in-user.ts";
import type { VerifiedPasskey } from "./verify-passkey.ts";

/** What a session records for a passkey (`authMethod` alone, `secondFactor` after a password); `amr` follows. */
export function passkeyMethod(passkey: Pick<VerifiedPasskey, "synced">): "passkey" | "synced_passkey" {
  return passkey.synced ? "synced_passkey" : "passkey";
}

/**
 * Creates the session of a verified passkey: alone (`authMethod` `passkey` / `synced_passkey`), or as the second
 * factor after the password (`authMethod` `password`, `secondFactor` the same), with `user.signed_in` recorded.
 */
export async function signInWithPasskey(
  em: EntityManager,
  input: {
    readonly passkey: VerifiedPasskey;
    readonly asSecondFactor: boolean;
    readonly ip: string | null;
    readonly userAgent: string | null;
    readonly absoluteTimeoutMs?: number;
  },
  now: Date,
): Promise<CreatedSession> {
  const method = passkeyMethod(input.passkey);
  return em.transactional(async (tx) => {
    const created = await signInUser(
      tx,
      {
        userId: input.passkey.userId,
        authMethod: input.asSecondFactor ? "password" : method,
        ...(input.asSecondFactor && { secondFactor: method }),
        ip: input.ip,
        userAgent: input.userAgent,
        ...(input.absoluteTimeoutMs !== undefined && { absoluteTimeoutMs: input.absoluteTimeoutMs }),
      },
      {
        payload: input.asSecondFactor
          ? { method: "password", secondFactor: method }
          : { method: "passkey", synced: input.passkey.synced },
      },
      now,
    );
    await tx.flush();
    return created;
  });
}
