import { writeFileSync } from "node:fs";
import { printSchemaSdl } from "../server/graphql/schema.ts";

/** Writes schema.graphql from the Pothos schema; a test fails when the committed file is stale. */
const target = new URL("../schema.graphql", import.meta.url);
writeFileSync(target, printSchemaSdl());
process.stdout.write(`Wrote ${target.pathname}\n`);
