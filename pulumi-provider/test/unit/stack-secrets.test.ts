import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type CaptureIo, runCapture } from "../../src/cli/capture.ts";
import { readPassphrase } from "../../src/stack-secrets/passphrase.ts";
import {
  decryptValue,
  deriveKey,
  encryptValue,
  newEncryptionSalt,
  openEncryptionSalt,
} from "../../src/stack-secrets/passphrase-crypter.ts";
import { captureSecret, readConfigValue } from "../../src/stack-secrets/stack-file.ts";

/** Pulumi's own test vector (docs/pulumi-stack-secrets.md). */
const VECTOR_SALT = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
const SECURE_VALUE = /^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+={0,2}$/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "latch-stack-"));
  await writeFile(path.join(dir, "Pulumi.yaml"), "name: my-app\nruntime: nodejs\n");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stackPath = () => path.join(dir, "Pulumi.dev.yaml");

describe("passphrase crypter", () => {
  test("Pulumi's test vector opens with `password` and its check value decrypts to `pulumi`", async () => {
    const key = await openEncryptionSalt("password", VECTOR_SALT);
    expect(decryptValue(key, "v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==")).toBe("pulumi");
    expect(key).toEqual(await deriveKey("password", Buffer.from("fozI5u6B030=", "base64")));
  });

  test("`password123` is rejected with a clear error", async () => {
    await expect(openEncryptionSalt("password123", VECTOR_SALT)).rejects.toThrow(/incorrect passphrase/);
  });

  test("a value round-trips, and a fresh nonce makes each ciphertext different", async () => {
    const key = await openEncryptionSalt("password", VECTOR_SALT);
    const one = encryptValue(key, "latch_cs_abc ünïcode");
    const two = encryptValue(key, "latch_cs_abc ünïcode");
    expect(one).toMatch(SECURE_VALUE);
    expect(one).not.toBe(two);
    expect(decryptValue(key, one)).toBe("latch_cs_abc ünïcode");
  });

  test("a tampered value or a wrong key fails to decrypt", async () => {
    const key = await openEncryptionSalt("password", VECTOR_SALT);
    const value = encryptValue(key, "secret");
    // Flip one bit of a ciphertext byte (not of base64 padding bits), which GCM's tag must catch.
    const [, nonce, body] = value.split(":");
    const bytes = Buffer.from(body!, "base64");
    bytes[2]! ^= 1;
    const flipped = `v1:${nonce}:${bytes.toString("base64")}`;
    expect(() => decryptValue(key, flipped)).toThrow(/cannot be decrypted/);
    const other = await deriveKey("other", Buffer.alloc(8));
    expect(() => decryptValue(other, value)).toThrow(/cannot be decrypted/);
    expect(() => decryptValue(key, "v2:abc")).toThrow(/not a passphrase-encrypted value/);
  });

  test("a new encryption salt has Pulumi's shape and opens with its passphrase only", async () => {
    const { encryptionSalt, key } = await newEncryptionSalt("hunter2");
    expect(encryptionSalt).toMatch(/^v1:[A-Za-z0-9+/]{11}=:v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{30}==$/);
    expect(await openEncryptionSalt("hunter2", encryptionSalt)).toEqual(key);
    await expect(openEncryptionSalt("hunter3", encryptionSalt)).rejects.toThrow(/incorrect passphrase/);
  });
});

describe("readPassphrase", () => {
  test("PULUMI_CONFIG_PASSPHRASE wins, verbatim; the file's trailing newline is trimmed", async () => {
    const file = path.join(dir, "pass");
    await writeFile(file, "from file \n");
    expect(await readPassphrase({ PULUMI_CONFIG_PASSPHRASE: " verbatim ", PULUMI_CONFIG_PASSPHRASE_FILE: file })).toBe(
      " verbatim ",
    );
    expect(await readPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: file })).toBe("from file ");
    expect(await readPassphrase({})).toBeUndefined();
    await expect(readPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "missing") })).rejects.toThrow(
      /ENOENT/,
    );
  });
});

describe("captureSecret", () => {
  const existing = `# Stack settings for dev: keep this comment
encryptionsalt: ${VECTOR_SALT}
config:
  # endpoint of the local server
  latch:endpoint: http://localhost:4000
  my-app:clientSecret:
    secure: v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAA
  aws:region: eu-west-1 # inline comment
  my-app:list:
    - one
    - two
`;

  test("replaces a value in place, keeping the salt, comments, order and other values; the value decrypts", async () => {
    await writeFile(stackPath(), existing);
    const result = await captureSecret({
      dir,
      stack: "dev",
      key: "clientSecret",
      value: "latch_cs_round_trip",
      passphrase: "password",
    });
    expect(result).toMatchObject({ key: "my-app:clientSecret", createdSalt: false });
    const text = await readFile(stackPath(), "utf8");
    const secure = /my-app:clientSecret:\n {4}secure: (\S+)\n/.exec(text)?.[1];
    expect(secure).toMatch(SECURE_VALUE);
    expect(text).toBe(existing.replace("v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAA", secure!));
    expect(await readConfigValue({ dir, stack: "dev", key: "clientSecret", passphrase: "password" })).toBe(
      "latch_cs_round_trip",
    );
    expect(await readConfigValue({ dir, stack: "dev", key: "latch:endpoint", passphrase: "password" })).toBe(
      "http://localhost:4000",
    );
  });

  test("appends a new key at the end of config; a namespaced key keeps its namespace", async () => {
    await writeFile(stackPath(), existing);
    await captureSecret({ dir, stack: "dev", key: "latch:apiKey", value: "latch_ak_x", passphrase: "password" });
    const text = await readFile(stackPath(), "utf8");
    expect(text.startsWith(existing)).toBe(true);
    expect(text.slice(existing.length)).toMatch(/^ {2}latch:apiKey:\n {4}secure: v1:\S+\n$/);
    expect(await readConfigValue({ dir, stack: "dev", key: "latch:apiKey", passphrase: "password" })).toBe(
      "latch_ak_x",
    );
  });

  test("creates the stack file with a new encryption salt first when there is none", async () => {
    const result = await captureSecret({
      dir,
      stack: "org/my-app/dev",
      key: "webhookSecret",
      value: "whsec_1",
      passphrase: "pw",
    });
    expect(result.createdSalt).toBe(true);
    const text = await readFile(stackPath(), "utf8");
    expect(text).toMatch(/^encryptionsalt: v1:\S+\nconfig:\n {2}my-app:webhookSecret:\n {4}secure: v1:\S+\n$/);
    expect(await readConfigValue({ dir, stack: "dev", key: "webhookSecret", passphrase: "pw" })).toBe("whsec_1");
    // The salt is kept on the next write, so the first value still decrypts.
    await captureSecret({ dir, stack: "dev", key: "other", value: "two", passphrase: "pw" });
    expect(await readConfigValue({ dir, stack: "dev", key: "webhookSecret", passphrase: "pw" })).toBe("whsec_1");
    expect((await readFile(stackPath(), "utf8")).match(/encryptionsalt/g)).toHaveLength(1);
  });

  test("adds a salt at the top of a file that has config but no salt", async () => {
    await writeFile(stackPath(), "# mine\nconfig:\n  my-app:plain: 1\n");
    await captureSecret({ dir, stack: "dev", key: "s", value: "v", passphrase: "pw" });
    const text = await readFile(stackPath(), "utf8");
    expect(text).toMatch(
      /^# mine\nencryptionsalt: v1:\S+\nconfig:\n {2}my-app:plain: 1\n {2}my-app:s:\n {4}secure: v1:\S+\n$/,
    );
  });

  test("a wrong passphrase fails clearly and writes nothing", async () => {
    await writeFile(stackPath(), existing);
    await expect(
      captureSecret({ dir, stack: "dev", key: "clientSecret", value: "x", passphrase: "password123" }),
    ).rejects.toThrow(/incorrect passphrase/);
    expect(await readFile(stackPath(), "utf8")).toBe(existing);
  });

  test.each([
    ["awskms://alias/pulumi?region=us-east-1", /awskms:\/\//],
    ["gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", /gcpkms:\/\//],
    ["hashivault://pulumi", /hashivault:\/\//],
    ["azurekeyvault://vault.vault.azure.net/keys/k", /azurekeyvault:\/\//],
  ])("a stack on the %s secrets provider is refused and left as it was", async (provider, scheme) => {
    const text = `secretsprovider: ${provider}\nencryptedkey: abc\nconfig:\n  my-app:x: y\n`;
    await writeFile(stackPath(), text);
    const failure = captureSecret({ dir, stack: "dev", key: "k", value: "v", passphrase: "password" });
    await expect(failure).rejects.toThrow(scheme);
    await expect(failure).rejects.toThrow(/not passphrase/);
    expect(await readFile(stackPath(), "utf8")).toBe(text);
  });

  test("no salt and no passphrase (the Pulumi Cloud default) is refused", async () => {
    await writeFile(stackPath(), "config:\n  my-app:x: y\n");
    await expect(captureSecret({ dir, stack: "dev", key: "k", value: "v", passphrase: undefined })).rejects.toThrow(
      /Pulumi Cloud secrets provider/,
    );
    await expect(captureSecret({ dir, stack: "dev2", key: "k", value: "v", passphrase: undefined })).rejects.toThrow(
      /PULUMI_CONFIG_PASSPHRASE/,
    );
  });

  test("a key without a namespace needs Pulumi.yaml; a bad stack name is refused", async () => {
    await rm(path.join(dir, "Pulumi.yaml"));
    await expect(captureSecret({ dir, stack: "dev", key: "k", value: "v", passphrase: "pw" })).rejects.toThrow(
      /no namespace/,
    );
    await expect(captureSecret({ dir, stack: "../evil", key: "a:k", value: "v", passphrase: "pw" })).rejects.toThrow(
      /invalid stack name/,
    );
  });
});

describe("latch-pulumi capture --from-stdin", () => {
  function io(stdin: string, env: Record<string, string>) {
    const out: string[] = [];
    const err: string[] = [];
    const value: CaptureIo = {
      env,
      cwd: dir,
      stdin: Readable.from([stdin]),
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    };
    return { io: value, out, err };
  }

  test("captures stdin (trailing newline dropped) and never prints the value", async () => {
    const run = io("latch_cs_from_stdin\n", { PULUMI_CONFIG_PASSPHRASE: "pw" });
    expect(await runCapture(["--stack", "dev", "--key", "clientSecret", "--from-stdin"], run.io)).toBe(0);
    expect(run.out.join("")).toContain("my-app:clientSecret");
    expect(run.out.join("") + run.err.join("")).not.toContain("latch_cs_from_stdin");
    expect(await readConfigValue({ dir, stack: "dev", key: "clientSecret", passphrase: "pw" })).toBe(
      "latch_cs_from_stdin",
    );
  });

  test("usage errors exit 2; a wrong passphrase exits 1 without writing; empty input is refused", async () => {
    expect(await runCapture(["--stack", "dev", "--from-stdin"], io("", {}).io)).toBe(2);
    expect(await runCapture(["--stack", "dev", "--key", "k"], io("", {}).io)).toBe(2);
    expect(await runCapture(["--stack", "dev", "--key", "k", "--app", "latch_ci_x"], io("", {}).io)).toBe(2);
    expect(await runCapture(["--stack", "dev", "--key", "k", "--from-stdin", "--bogus"], io("", {}).io)).toBe(2);
    await writeFile(stackPath(), `encryptionsalt: ${VECTOR_SALT}\n`);
    const wrong = io("value", { PULUMI_CONFIG_PASSPHRASE: "password123" });
    expect(await runCapture(["--stack", "dev", "--key", "k", "--from-stdin"], wrong.io)).toBe(1);
    expect(wrong.err.join("")).toMatch(/incorrect passphrase/);
    expect(await readFile(stackPath(), "utf8")).toBe(`encryptionsalt: ${VECTOR_SALT}\n`);
    const empty = io("\n", { PULUMI_CONFIG_PASSPHRASE: "password" });
    expect(await runCapture(["--stack", "dev", "--key", "k", "--from-stdin"], empty.io)).toBe(1);
    expect(empty.err.join("")).toMatch(/empty/);
  });
});
