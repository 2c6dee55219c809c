import { readFile } from "node:fs/promises";
import { StackSecretsError } from "./errors.ts";

/**
 * The passphrase as the Pulumi CLI finds it: PULUMI_CONFIG_PASSPHRASE verbatim (even empty), else the file named by
 * PULUMI_CONFIG_PASSPHRASE_FILE with its trailing newline trimmed. Undefined when neither is set.
 */
export async function readPassphrase(
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  const value = env.PULUMI_CONFIG_PASSPHRASE;
  if (value !== undefined) return value;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined || file === "") return undefined;
  try {
    return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  } catch (error) {
    throw new StackSecretsError(
      `cannot read PULUMI_CONFIG_PASSPHRASE_FILE ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
