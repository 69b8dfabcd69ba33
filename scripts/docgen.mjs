#!/usr/bin/env node
// `npm run docgen`: writes API.md, the API reference, from the package's jsii assembly (.jsii, which
// `npm run build` writes) with jsii-docgen, as Construct Hub renders it (TypeScript signatures).
// `npm run check:api-docs` (part of `npm test`) regenerates it in memory and fails when the
// committed API.md differs; `--file PATH` checks another copy (the tests use it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false }, file: { type: 'string' } } });
const file = values.file ? resolve(values.file) : join(root, 'API.md');
const fix = 'run "npm run docgen" and commit API.md';

if (!existsSync(join(root, '.jsii'))) {
  console.error('.jsii is missing: run "npm run build" first (it compiles lib/ with jsii)');
  process.exit(1);
}
const started = Date.now();
const markdown = await render();
const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
if (!values.check) {
  writeFileSync(file, markdown);
  console.log(`docgen: wrote ${relative(root, file)} (${markdown.split('\n').length} lines) in ${took}`);
  process.exit(0);
}
const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
if (committed === undefined) {
  console.error(`${relative(root, file)} is missing: ${fix}`);
  process.exit(1);
}
if (committed !== markdown) {
  const [was, now] = [committed.split('\n'), markdown.split('\n')];
  const at = was.findIndex((line, i) => line !== now[i]);
  const line = at === -1 ? Math.min(was.length, now.length) : at;
  console.error(`${relative(root, file)} is out of date with the public API (first difference at line ${line + 1}: ${JSON.stringify(was[line] ?? '<end of file>')}, now ${JSON.stringify(now[line] ?? '<end of file>')}): ${fix}`);
  process.exit(1);
}
console.log(`check:api-docs: ${relative(root, file)} matches the assembly (${took})`);

/** API.md as jsii-docgen renders the assembly in the project root: every type, in TypeScript. */
async function render() {
  const { Documentation, Language } = createRequire(import.meta.url)('jsii-docgen');
  const docs = await Documentation.forProject(root);
  const content = await docs.toMarkdown({ language: Language.TYPESCRIPT, allSubmodules: true });
  return content.render();
}
