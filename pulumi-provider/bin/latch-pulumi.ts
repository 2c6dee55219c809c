#!/usr/bin/env node
import { CAPTURE_USAGE, runCapture } from "../src/cli/capture.ts";

const [command, ...rest] = process.argv.slice(2);
const io = {
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

if (command === "capture") {
  process.exitCode = await runCapture(rest, io);
} else if (command === undefined || command === "help" || command === "--help" || command === "-h") {
  process.stdout.write(`latch-pulumi: tools for the Latch Pulumi provider\n\n${CAPTURE_USAGE}`);
} else {
  process.stderr.write(`latch-pulumi: unknown command "${command}"\n\n${CAPTURE_USAGE}`);
  process.exitCode = 2;
}
