import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { StackSecretsError } from "./errors.ts";

/**
 * Pulumi's passphrase secrets provider, byte for byte (docs/pulumi-stack-secrets.md):
 * key = PBKDF2-HMAC-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes); a value is
 * `v1:<nonce>:<ciphertext+tag>` (AES-256-GCM, 12-byte nonce, standard base64); the stack's
 * `encryptionsalt` is `v1:<salt>:` followed by the word `pulumi` encrypted with the key.
 */
const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 8;
const CHECK_PLAINTEXT = "pulumi";

const pbkdf2Async = promisify(pbkdf2);

export async function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
}

/** Encrypts one config value as `v1:<nonce>:<ciphertext>`. */
export function encryptValue(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

/** Decrypts `v1:<nonce>:<ciphertext>`; throws when the key is wrong or the value was altered. */
export function decryptValue(key: Buffer, ciphertext: string): string {
  const parts = ciphertext.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") {
    throw new StackSecretsError("not a passphrase-encrypted value (expected v1:<nonce>:<ciphertext>)");
  }
  const nonce = Buffer.from(parts[1]!, "base64");
  const body = Buffer.from(parts[2]!, "base64");
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
    throw new StackSecretsError("malformed passphrase-encrypted value");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new StackSecretsError("the value cannot be decrypted with this passphrase");
  }
}

/** A fresh `encryptionsalt` for a stack that has none, and the key it stands for. */
export async function newEncryptionSalt(passphrase: string): Promise<{ encryptionSalt: string; key: Buffer }> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(passphrase, salt);
  return { encryptionSalt: `v1:${salt.toString("base64")}:${encryptValue(key, CHECK_PLAINTEXT)}`, key };
}

/** The key of an existing `encryptionsalt`; a wrong passphrase fails here, before anything is written. */
export async function openEncryptionSalt(passphrase: string, encryptionSalt: string): Promise<Buffer> {
  const match = /^v1:([A-Za-z0-9+/]+={0,2}):(v1:.+)$/.exec(encryptionSalt.trim());
  if (!match) {
    throw new StackSecretsError(`malformed encryptionsalt "${encryptionSalt}" (expected v1:<salt>:v1:<nonce>:<check>)`);
  }
  const key = await deriveKey(passphrase, Buffer.from(match[1]!, "base64"));
  let check: string;
  try {
    check = decryptValue(key, match[2]!);
  } catch {
    throw new StackSecretsError(
      "incorrect passphrase: it does not decrypt this stack's encryptionsalt (check PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE)",
    );
  }
  if (check !== CHECK_PLAINTEXT) throw new StackSecretsError("incorrect passphrase: the encryptionsalt check failed");
  return key;
}
