#!/usr/bin/env node
// `npm run check:jsii`: compiles the public API (lib/index.ts and what it reaches) with jsii, the
// compiler Construct Hub libraries use for their Python, Java, .NET and Go bindings, and fails on
// any jsii error. It works on a copy in a temporary folder, with a package.json derived from ours:
// the runtime's own dependencies (AWS SDK, ajv) are not jsii modules, so they are listed as
// bundledDependencies, which is how a jsii release would ship them; lambda/ stays outside the
// assembly (only the contract and the vendor manifests lib/ imports are compiled).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'vw-jsii-'));
const started = Date.now();
try {
  for (const path of ['lib', 'lambda', 'schema', 'README.md', 'LICENSE']) cpSync(join(root, path), join(work, path), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
  const peers = { 'aws-cdk-lib': pkg.peerDependencies['aws-cdk-lib'], constructs: pkg.peerDependencies.constructs };
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        description: pkg.description,
        license: pkg.license,
        author: { name: 'cdk-video-webhooks contributors', organization: false },
        repository: { type: 'git', url: 'https://github.com/cdk-video-webhooks/cdk-video-webhooks.git' },
        main: 'jsii-out/lib/index.js',
        types: 'jsii-out/lib/index.d.ts',
        peerDependencies: peers,
        devDependencies: { 'aws-cdk-lib': pkg.devDependencies['aws-cdk-lib'], constructs: pkg.devDependencies.constructs },
        dependencies: pkg.dependencies,
        bundledDependencies: Object.keys(pkg.dependencies ?? {}),
        jsii: { outdir: 'dist', targets: {}, tsc: { outDir: 'jsii-out', rootDir: '.' }, excludeTypescript: ['lambda/**'] },
      },
      null,
      2,
    ),
  );
  const jsii = join(root, 'node_modules', 'jsii', 'bin', 'jsii');
  const run = spawnSync(process.execPath, [jsii, '--silence-warnings=reserved-word'], { cwd: work, encoding: 'utf8', env: { ...process.env, JSII_SUPPRESS_UPGRADE_PROMPT: '1', JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '1', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' } });
  const output = `${run.stdout}${run.stderr}`.replaceAll(work, '.');
  const errors = output.split('\n').filter((line) => /error (JSII|TS)\d+/.test(line));
  if (run.status !== 0 || errors.length > 0) {
    console.error(output);
    console.error(`check:jsii failed: ${errors.length} jsii error(s) in the public API (see above); keep lib/ inside jsii's rules (see README, "Project layout")`);
    process.exit(1);
  }
  const assembly = JSON.parse(readFileSync(join(work, '.jsii'), 'utf8'));
  console.log(`check:jsii: the public API compiles with jsii ${assembly.jsiiVersion}: ${Object.keys(assembly.types ?? {}).length} types, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
