#!/usr/bin/env node
// `npm run build`: compiles lib/ with jsii (the package's .jsii assembly, and lib/'s JavaScript +
// .d.ts in dist/lib) and lambda/, local/ and bin/ with tsc (JavaScript + .d.ts in dist/), and pre-bundles
// every Lambda handler in lambda/handlers/*.ts with esbuild into assets/<name>/index.js, which the
// constructs load with lambda.Code.fromAsset (a consumer needs neither esbuild nor Docker).
// Before all that, it precompiles the event schema into lambda/runtime/event-validator.generated.ts
// (ajv standalone code: the runtime validates with no schema compiler). Beside the CommonJS
// dist/, the runtime entry (cdk-video-webhooks/runtime) is also written as ES modules to
// dist/esm/ (one file per module, so consumers' bundlers drop what they do not import), and the
// example app's sample consumer is bundled to assets/sample-consumer/index.js. The dev console's page
// (local/dev-server/console/page/) is bundled to dist/local/dev-server/console/assets/.
// jsii, tsc and esbuild run in parallel; any step failing fails the build.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = join(root, 'lambda', 'handlers');
const assetsDir = join(root, 'assets');
const distDir = join(root, 'dist');
const esmDir = join(distDir, 'esm');
const runtimeEntry = join(root, 'lambda', 'runtime', 'index.ts');
const validatorFile = join(root, 'lambda', 'runtime', 'event-validator.generated.ts');
/** Bundled beside the handlers: the example app's consumer (bin/app.ts, SampleConsumer). */
const extraBundles = { 'sample-consumer': join(root, 'lambda', 'runtime', 'examples', 'sample-consumer.ts') };
const consolePageDir = join(root, 'local', 'dev-server', 'console', 'page');
const consoleAssetsDir = join(distDir, 'local', 'dev-server', 'console', 'assets');
const started = Date.now();

/**
 * In Lambda the role's credentials are always in the environment: resolve the SDK's default
 * credential chain to the environment provider alone (lambda/adapters/aws/credential-provider-env-only.ts).
 */
const lambdaCredentialsOnly = {
  name: 'lambda-credentials-only',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(root, 'lambda', 'adapters', 'aws', 'credential-provider-env-only.ts'),
    }));
  },
};


if (!(await generateValidator())) {
  console.error('build failed: could not precompile schema/video-job-event.schema.json (see above)');
  process.exit(1);
}
rmSync(distDir, { recursive: true, force: true });
rmSync(join(root, '.jsii'), { force: true });
const [jsiiOk, tscOk, bundles, esmModules, consolePage] = await Promise.all([compileLib(), compile(), bundle(), buildRuntimeEsm(), buildConsolePage()]);
copySchemas();
// tsc emits its declarations even when it reports errors: write the ESM ones from them anyway.
const esmTypesOk = esmModules !== undefined && writeRuntimeEsmTypes(esmModules);
for (const b of bundles ?? []) {
  console.log(`  ${relative(root, b.file)}  ${(b.bytes / 1024).toFixed(1)} KiB`);
}
if (esmModules) console.log(`  ${relative(root, esmDir)}/  ${esmModules.length} ES modules of cdk-video-webhooks/runtime`);
if (consolePage) console.log(`  ${relative(root, consoleAssetsDir)}/  the dev console page, ${(consolePage.bytes / 1024).toFixed(1)} KiB (${consolePage.files.join(', ')})`);
if (!jsiiOk || !tscOk || !bundles || !esmModules || !esmTypesOk || !consolePage) {
  const failed = !jsiiOk
    ? "jsii could not compile lib/ (keep the public API inside jsii's rules: README, \"Project layout\")"
    : !bundles
      ? 'esbuild could not bundle the handlers'
      : !esmModules
        ? 'esbuild could not write the runtime ES modules'
        : !consolePage
          ? 'esbuild could not bundle the dev console page'
          : 'tsc reported errors';
  console.error(`build failed: ${failed} (see above)`);
  process.exit(1);
}
console.log(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * The event validator, precompiled: ajv's standalone code for schema/video-job-event.schema.json,
 * with the options the runtime used to compile it with (all errors, non-strict, ajv-formats'
 * date-time), so validation results and messages stay the same. The code ajv generates requires two
 * helpers (ajv's ucs2length, ajv-formats' date-time check): esbuild bundles them in, so the file
 * imports nothing and neither package is needed at run time. Written to
 * lambda/runtime/event-validator.generated.ts (git-ignored; tsc and esbuild compile it with the rest).
 */
async function generateValidator() {
  try {
    const require = createRequire(import.meta.url);
    const { default: Ajv } = require('ajv');
    const { default: addFormats } = require('ajv-formats');
    const { default: standaloneCode } = require('ajv/dist/standalone');
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'video-job-event.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
    addFormats(ajv, ['date-time']);
    const source = standaloneCode(ajv, ajv.compile(schema));
    const out = await build({
      stdin: { contents: source, resolveDir: root, sourcefile: 'event-validator.js', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'node20',
      minify: true,
      legalComments: 'none',
      write: false,
      metafile: true,
      logLevel: 'warning',
    });
    const code = out.outputFiles[0].text;
    const imports = Object.values(out.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    if (imports.length > 0) {
      console.error(`the precompiled validator still imports ${imports.join(', ')} at run time: bundle every helper in`);
      return false;
    }
    writeFileSync(
      validatorFile,
      '/* eslint-disable */\n// @ts-nocheck\n' +
        '// Generated by scripts/build.mjs (npm run build) from schema/video-job-event.schema.json: ajv standalone\n' +
        "// code with ajv's ucs2length and ajv-formats' date-time check bundled in. Do not edit; not committed.\n" +
        code,
    );
    return true;
  } catch (err) {
    console.error(err);
    return false;
  }
}

/**
 * jsii compiles lib/ (tsconfig.jsii.json; package.json `jsii`): the assembly `.jsii` at the root,
 * which the language bindings and Construct Hub are generated from, and lib/'s JavaScript and
 * declarations in dist/lib (tsc's output plus each class's jsii runtime type info). The lambda/
 * files lib/ imports (the contract, the vendor manifests) it also writes to dist/lambda, byte for
 * byte as tsc does (both extend tsconfig.json), so the two can run at once. Any jsii warning fails
 * the build, but names reserved in some language: `WebhookAuth.type` is one in Go, whose binding
 * exports it as `Type()`, which is not.
 * Resolves to false on errors.
 */
function compileLib() {
  const jsii = join(root, 'node_modules', 'jsii', 'bin', 'jsii');
  return run('jsii', [jsii, '--fail-on-warnings', '--silence-warnings=reserved-word'], {
    JSII_SUPPRESS_UPGRADE_PROMPT: '1',
    // jsii prints a banner on Node 20 (end of life); the package supports Node >= 20 (engines).
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0],
    JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
    JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION: '1',
  });
}

/** tsc -p tsconfig.build.json (lambda/, local/ and bin/) into dist/. Resolves to false on compile errors. */
function compile() {
  return run('tsc', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')]);
}

/** Runs a Node script of a build tool, its output to ours; resolves to true when it exits with 0. */
function run(name, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code) => resolve(code === 0));
    child.on('error', (err) => {
      console.error(`could not run ${name}: ${err.message}`);
      resolve(false);
    });
  });
}

/** One bundle per lambda/handlers/<name>.ts into assets/<name>/index.js; undefined on failure. */
async function bundle() {
  const entries = existsSync(handlersDir)
    ? readdirSync(handlersDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    : [];
  if (entries.length === 0) {
    console.error(`no handler entry (*.ts) in ${relative(root, handlersDir)}`);
    return undefined;
  }
  rmSync(assetsDir, { recursive: true, force: true });
  const entryPoints = Object.fromEntries([
    ...entries.map((f) => [`${basename(f, '.ts')}/index`, join(handlersDir, f)]),
    ...Object.entries(extraBundles).map(([name, file]) => [`${name}/index`, file]),
  ]);
  try {
    await build({
      entryPoints,
      outdir: assetsDir,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      // Everything, AWS SDK v3 clients included, goes into the bundle: it loads faster than the
      // runtime's own SDK copy and pins the version we test against.
      external: [],
      mainFields: ['module', 'main'],
      plugins: [lambdaCredentialsOnly],
      logLevel: 'warning',
    });
  } catch (err) {
    if (!err?.errors) console.error(err); // esbuild has printed its own errors; anything else is ours
    return undefined;
  }
  return [...entries.map((f) => basename(f, '.ts')), ...Object.keys(extraBundles)].map((name) => {
    const file = join(assetsDir, name, 'index.js');
    return { file, bytes: statSync(file).size };
  });
}

/**
 * cdk-video-webhooks/runtime as ES modules, for the `import` condition of package.json `exports`:
 * one dist/esm/<path>.mjs per module the runtime entry reaches (imports between them point at the
 * sibling .mjs files; packages stay imports; JSON is inlined), so a consumer's bundler, told by
 * `"sideEffects"` that the modules have none, keeps only what the consumer imports (a parser-only
 * consumer gets neither registerJob nor the DynamoDB client). Resolves to the module paths (relative
 * to the root, without extension), or undefined on failure.
 */
async function buildRuntimeEsm() {
  try {
    const probe = await build({ entryPoints: [runtimeEntry], absWorkingDir: root, bundle: true, packages: 'external', format: 'esm', platform: 'node', write: false, metafile: true, logLevel: 'silent' });
    const modules = withTypeOnlyImports(Object.keys(probe.metafile.inputs).filter((f) => f.endsWith('.ts')));
    const known = new Set(modules.map((f) => join(root, f)));
    const siblingModules = {
      name: 'one-file-per-module',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          if (args.kind === 'entry-point' || args.path.endsWith('.json')) return undefined;
          const target = resolve(args.resolveDir, `${args.path}.ts`);
          if (!known.has(target)) return { errors: [{ text: `${args.path} from ${relative(root, args.importer)} is not a module file of the runtime (directory imports are not supported)` }] };
          return { path: `${args.path}.mjs`, external: true };
        });
      },
    };
    await build({
      entryPoints: modules.map((f) => join(root, f)),
      absWorkingDir: root,
      outbase: root,
      outdir: esmDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: false,
      legalComments: 'none',
      plugins: [siblingModules],
      logLevel: 'warning',
    });
    return modules.map((f) => f.replace(/\.ts$/, ''));
  } catch (err) {
    if (!err?.errors) console.error(err);
    return undefined;
  }
}

/**
 * `modules` and the modules they import types from (`import type ... from './x'`), which a bundle
 * leaves out but whose declarations the modules' declarations import (core/ports.ts's
 * `ArchiveRecord`): so every relative import of a .d.mts resolves to a file of the package.
 */
function withTypeOnlyImports(modules) {
  const all = new Set(modules);
  for (const module of all) {
    const source = readFileSync(join(root, module), 'utf8');
    for (const [, path] of source.matchAll(/^(?:import|export) type [^;]*? from '(\.\.?\/[^']+)';/gms)) {
      const target = relative(root, resolve(dirname(join(root, module)), `${path}.ts`));
      if (existsSync(join(root, target))) all.add(target);
    }
  }
  return [...all];
}

/**
 * The dev console's page (`video-webhooks dev`, GET /): its script and stylesheet minified by
 * esbuild, its HTML copied, into dist/local/dev-server/console/assets/, where the dev server reads
 * them (local/dev-server/console/page-assets.ts). No framework: plain DOM code for current browsers.
 * Resolves to the files and their total size, or undefined on failure.
 */
async function buildConsolePage() {
  try {
    await build({
      entryPoints: [join(consolePageDir, 'console.ts'), join(consolePageDir, 'console.css')],
      outdir: consoleAssetsDir,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['chrome111', 'firefox111', 'safari16.4'],
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
    });
    cpSync(join(consolePageDir, 'index.html'), join(consoleAssetsDir, 'index.html'));
    const files = readdirSync(consoleAssetsDir).sort();
    return { files, bytes: files.reduce((sum, f) => sum + statSync(join(consoleAssetsDir, f)).size, 0) };
  } catch (err) {
    if (!err?.errors) console.error(err);
    return undefined;
  }
}

/**
 * Declarations for the ES modules: each module's .d.ts from tsc, as dist/esm/<path>.d.mts with its
 * relative imports pointing at the sibling .mjs, so TypeScript types an `import` of the runtime as
 * ES modules (no CommonJS declarations behind an ESM entry).
 */
function writeRuntimeEsmTypes(modules) {
  for (const module of modules) {
    const from = join(distDir, `${module}.d.ts`);
    if (!existsSync(from)) {
      console.error(`tsc wrote no ${relative(root, from)} for the runtime's ES module ${module}.mjs`);
      return false;
    }
    const types = readFileSync(from, 'utf8').replace(/(from\s+|import\()(["'])(\.\.?\/[^"']+)\2/g, (_, lead, quote, path) => `${lead}${quote}${path}.mjs${quote}`);
    const to = join(esmDir, `${module}.d.mts`);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, types);
  }
  return true;
}

/**
 * The runtime imports schema/*.json relatively (`../../schema/...` from dist/lambda/runtime), so
 * dist/ needs its own copy next to the compiled code; tsc emits imported JSON, this makes sure of it.
 */
function copySchemas() {
  const from = join(root, 'schema');
  if (!existsSync(from)) return;
  const to = join(root, 'dist', 'schema');
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.endsWith('.json'))) cpSync(join(from, f), join(to, f));
}
