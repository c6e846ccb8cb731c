// Writes the installed package README's walkthrough (the first ```ts block under "## A walk through the API") to a
// module that `make sdk-test` compiles with tsc --strict and runs against the live server: the README's code must
// type-check and work. Usage: node readme-walkthrough.mjs README.md readme.ts
import { readFileSync, writeFileSync } from "node:fs";

const [readmePath, outputPath] = process.argv.slice(2);
const readme = readFileSync(readmePath, "utf8");
const section = readme.split("## A walk through the API")[1];
const code = section?.split("```ts\n")[1]?.split("```")[0];
if (!code) {
  throw new Error(`${readmePath} has no TypeScript walkthrough`);
}
const serverUrl = 'process.env.API_BASE_URL ?? ""';
writeFileSync(outputPath, `// Extracted from ${readmePath} by readme-walkthrough.mjs.\n${code.replaceAll('"https://api.example.com"', serverUrl)}`);
