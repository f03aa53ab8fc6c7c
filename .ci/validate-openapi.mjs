// Validates the CRM API's OpenAPI document with validators independent of the code that writes it:
// swagger-parser (the OpenAPI 3.1 schema and every $ref resolved) and Redocly's linter (its
// recommended rules, .ci/redocly.yaml justifies each rule turned off). Exit 1 on any error or warning.
// usage: node .ci/validate-openapi.mjs path/to/openapi.json
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node .ci/validate-openapi.mjs <openapi.json>");
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let failed = false;

try {
  // validate() dereferences, so give it a copy: the document itself stays as written.
  const document = JSON.parse(readFileSync(file, "utf8"));
  await SwaggerParser.validate(document);
  console.log("swagger-parser: valid");
} catch (e) {
  failed = true;
  console.error(`swagger-parser: ${e.message}`);
}

const redocly = spawnSync(process.execPath, [join(root, "node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", file,
  "--config", join(root, ".ci", "redocly.yaml"), "--format", "stylish", "--max-problems", "1000"], { encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
const output = `${redocly.stdout}\n${redocly.stderr}`;
process.stdout.write(redocly.stdout);
if (redocly.status !== 0 || /\bwarning\b/i.test(redocly.stdout) || /[1-9]\d* warnings?/.test(output)) {
  failed = true;
  console.error(`redocly: exit ${redocly.status}\n${redocly.stderr}`);
} else {
  console.log("redocly: valid, no warnings");
}

process.exit(failed ? 1 : 0);
