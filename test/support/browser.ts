import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium: the browser the Chromium tests drive (playwright-core brings no browser of its own). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** apt-get on a fresh CI machine: index download plus ~100 MB of packages. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

const run = promisify(execFile);

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure {@link CHROMIUM_PATH} exists: when it is missing, installs Debian's `chromium` package with apt-get,
 * unattended (as root, or through passwordless sudo). Throws a clear error when that is not possible.
 */
export async function ensureChromium(): Promise<void> {
  if (await executable(CHROMIUM_PATH)) return;
  const aptGet = (await executable("/usr/bin/apt-get")) ? "/usr/bin/apt-get" : null;
  if (!aptGet) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH} and apt-get is not available to install it: install Chromium there (Debian/Ubuntu package "chromium") to run the browser tests.`,
    );
  }
  const root = process.getuid?.() === 0;
  const sudo = root ? null : (await executable("/usr/bin/sudo")) ? "/usr/bin/sudo" : null;
  if (!root && !sudo) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; installing it needs root: run "apt-get install -y chromium" as root.`,
    );
  }
  const command = (args: string[]): [string, string[]] => (sudo ? [sudo, ["-n", aptGet, ...args]] : [aptGet, args]);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const options = { env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 };
  process.stdout.write(`Chromium is missing at ${CHROMIUM_PATH}: installing Debian's chromium package (apt-get)...\n`);
  try {
    await run(...command(["update", "-q"]), options);
    await run(
      ...command([
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "-o",
        "Dpkg::Options::=--force-confold",
        "chromium",
      ]),
      options,
    );
  } catch (error) {
    const detail = error as { stderr?: string; message?: string };
    const tail = (detail.stderr || detail.message || String(error)).trim().split("\n").slice(-5).join("\n");
    throw new Error(`Installing Chromium with apt-get failed:\n${tail}`);
  }
  if (!(await executable(CHROMIUM_PATH))) {
    throw new Error(`apt-get installed the chromium package but ${CHROMIUM_PATH} is still missing`);
  }
  process.stdout.write(`Chromium installed at ${CHROMIUM_PATH}.\n`);
}

/**
 * Launches headless Chromium. The flags keep it quiet on machines without network access (no background
 * networking, component updates, sync or QUIC probes) and let it run as root in a container (`--no-sandbox`).
 */
export async function launchBrowser(): Promise<Browser> {
  await ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
