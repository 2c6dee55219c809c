import { randomBytes } from "node:crypto";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Document, isMap, isScalar, Pair, parseDocument, Scalar } from "yaml";
import { StackSecretsError } from "./errors.ts";
import { decryptValue, encryptValue, newEncryptionSalt, openEncryptionSalt } from "./passphrase-crypter.ts";

/** A stack settings file, `Pulumi.<stack>.yaml`, kept as a YAML document so comments and order survive a write. */
export type StackFile = {
  readonly path: string;
  /** The `name:` of Pulumi.yaml beside it, the namespace of keys written without one. */
  readonly project: string | undefined;
  readonly document: Document;
  readonly existed: boolean;
};

const STACK_NAME = /^[A-Za-z0-9._-]+$/;

/** `org/project/dev` and `dev` both name `Pulumi.dev.yaml`. */
export function stackFileName(stack: string): string {
  const parts = stack.split("/");
  if (parts.length > 3 || parts.some((part) => !STACK_NAME.test(part) || part === "." || part === "..")) {
    throw new StackSecretsError(
      `invalid stack name "${stack}": use <stack> or <org>/<project>/<stack> with letters, digits, ".", "_" or "-"`,
    );
  }
  return `Pulumi.${parts.at(-1)}.yaml`;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function readProjectName(dir: string): Promise<string | undefined> {
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    const text = await readIfExists(path.join(dir, name));
    if (text === undefined) continue;
    const project = parseDocument(text).get("name");
    return typeof project === "string" && project !== "" ? project : undefined;
  }
  return undefined;
}

export async function loadStackFile(dir: string, stack: string): Promise<StackFile> {
  const file = path.join(dir, stackFileName(stack));
  const text = await readIfExists(file);
  const document = parseDocument(text ?? "", { keepSourceTokens: false });
  if (document.errors.length > 0) {
    throw new StackSecretsError(`${file} is not valid YAML: ${document.errors[0]!.message}`);
  }
  if (document.contents === null) document.contents = document.createNode({}) as never;
  if (!isMap(document.contents)) throw new StackSecretsError(`${file} must be a YAML mapping`);
  return { path: file, project: await readProjectName(dir), document, existed: text !== undefined };
}

/** `clientSecret` → `<project>:clientSecret`; a key that has a namespace (`latch:apiKey`) stays as it is. */
export function fullConfigKey(stack: StackFile, key: string): string {
  if (key === "" || key.startsWith(":") || key.endsWith(":"))
    throw new StackSecretsError(`invalid config key "${key}"`);
  if (key.includes(":")) return key;
  if (!stack.project) {
    throw new StackSecretsError(
      `config key "${key}" has no namespace and no Pulumi.yaml with a name was found beside ${stack.path}: write it as <project>:${key}`,
    );
  }
  return `${stack.project}:${key}`;
}

function stringField(stack: StackFile, name: string): string | undefined {
  const value = stack.document.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new StackSecretsError(`${stack.path}: ${name} must be a string`);
  return value;
}

/**
 * The key that encrypts this stack's secrets. A stack with an `encryptionsalt` keeps it (re-salting would break every
 * secret it holds) and a wrong passphrase fails here; a stack without one gets a new salt when `create` is true.
 * Stacks on another secrets provider are refused, since their secrets are not ours to write.
 */
export async function openStackKey(
  stack: StackFile,
  passphrase: string | undefined,
  options: { create: boolean },
): Promise<{ key: Buffer; newEncryptionSalt?: string }> {
  const provider = stringField(stack, "secretsprovider");
  if (provider !== undefined && provider !== "passphrase") {
    const scheme = provider.split("://")[0];
    throw new StackSecretsError(
      `${stack.path} uses the secrets provider "${scheme}${provider.includes("://") ? "://" : ""}", not passphrase: latch-pulumi writes passphrase-encrypted values only; set the secret with \`pulumi config set --secret\` instead`,
    );
  }
  const salt = stringField(stack, "encryptionsalt");
  if (passphrase === undefined) {
    throw new StackSecretsError(
      salt === undefined
        ? `${stack.path} has no encryptionsalt and no passphrase is set, so the stack would use the Pulumi Cloud secrets provider, which latch-pulumi cannot write: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to use the passphrase provider`
        : "this stack uses the passphrase secrets provider: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE",
    );
  }
  if (salt !== undefined) return { key: await openEncryptionSalt(passphrase, salt) };
  if (!options.create) throw new StackSecretsError(`${stack.path} has no encryptionsalt, so it holds no secrets`);
  const fresh = await newEncryptionSalt(passphrase);
  return { key: fresh.key, newEncryptionSalt: fresh.encryptionSalt };
}

/** Puts `encryptionsalt` first, where the Pulumi CLI writes it. */
export function setEncryptionSalt(stack: StackFile, encryptionSalt: string): void {
  const map = stack.document.contents;
  if (!isMap(map)) throw new StackSecretsError(`${stack.path} must be a YAML mapping`);
  const key = new Scalar("encryptionsalt");
  // A comment above the first key is usually the file's header: it stays the first line.
  const first = map.items[0]?.key;
  if (isScalar(first) && first.commentBefore) {
    key.commentBefore = first.commentBefore;
    first.commentBefore = undefined;
  }
  map.items.unshift(new Pair(key, new Scalar(encryptionSalt)));
}

/** Sets `config.<key>` to `{secure: <ciphertext>}`, in place when the key exists, else at the end of `config`. */
export function setSecureConfig(stack: StackFile, key: string, ciphertext: string): void {
  const config = stack.document.get("config", true);
  if (config === undefined || config === null || (isScalar(config) && config.value === null)) {
    stack.document.set("config", stack.document.createNode({}));
  } else if (!isMap(config)) {
    throw new StackSecretsError(`${stack.path}: config must be a mapping`);
  }
  stack.document.setIn(["config", key], stack.document.createNode({ secure: ciphertext }));
}

/** A config value as stored: plaintext, or the ciphertext of a secure one. */
export function getConfig(stack: StackFile, key: string): { plain: string } | { secure: string } | undefined {
  const value = stack.document.getIn(["config", key]);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return { plain: String(value) };
  }
  const secure = stack.document.getIn(["config", key, "secure"]);
  if (typeof secure === "string") return { secure };
  throw new StackSecretsError(`${stack.path}: config ${key} is neither a plain value nor a secure one`);
}

/** Writes the file atomically (temporary file, then rename), keeping its permissions. */
export async function saveStackFile(stack: StackFile): Promise<void> {
  const text = stack.document.toString({ lineWidth: 0 });
  const mode = stack.existed ? (await stat(stack.path)).mode & 0o777 : 0o644;
  const temporary = `${stack.path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, stack.path);
}

export type PreparedCapture = {
  readonly path: string;
  /** The full config key, `<project>:<name>`. */
  readonly key: string;
  readonly createsSalt: boolean;
  /** Encrypts `value` into the stack file and writes it. */
  write(value: string): Promise<void>;
};

/**
 * Opens `Pulumi.<stack>.yaml` in `dir` for writing one secret: everything that can fail (the passphrase, a foreign
 * secrets provider, a key without a project) fails here, before a value is minted or the file is touched.
 */
export async function prepareCapture(options: {
  dir: string;
  stack: string;
  key: string;
  passphrase: string | undefined;
}): Promise<PreparedCapture> {
  const stack = await loadStackFile(options.dir, options.stack);
  const key = fullConfigKey(stack, options.key);
  const opened = await openStackKey(stack, options.passphrase, { create: true });
  return {
    path: stack.path,
    key,
    createsSalt: opened.newEncryptionSalt !== undefined,
    async write(value: string) {
      if (opened.newEncryptionSalt !== undefined) setEncryptionSalt(stack, opened.newEncryptionSalt);
      setSecureConfig(stack, key, encryptValue(opened.key, value));
      await saveStackFile(stack);
    },
  };
}

/**
 * Encrypts `value` into `config.<key>` of `Pulumi.<stack>.yaml` in `dir`, creating the encryption salt when the file
 * has none. A wrong passphrase or a foreign secrets provider writes nothing.
 */
export async function captureSecret(options: {
  dir: string;
  stack: string;
  key: string;
  value: string;
  passphrase: string | undefined;
}): Promise<{ path: string; key: string; createdSalt: boolean }> {
  const capture = await prepareCapture(options);
  await capture.write(options.value);
  return { path: capture.path, key: capture.key, createdSalt: capture.createsSalt };
}

/** The plaintext of a config value of the stack (secure ones decrypted), or undefined when it is not set. */
export async function readConfigValue(options: {
  dir: string;
  stack: string;
  key: string;
  passphrase: string | undefined;
}): Promise<string | undefined> {
  const stack = await loadStackFile(options.dir, options.stack);
  const value = getConfig(stack, fullConfigKey(stack, options.key));
  if (value === undefined) return undefined;
  if ("plain" in value) return value.plain;
  const { key } = await openStackKey(stack, options.passphrase, { create: false });
  return decryptValue(key, value.secure);
}
