#!/usr/bin/env node
// `npm run build`: compiles lib/, lambda/ and bin/ to dist/ (JavaScript + .d.ts) with tsc, and
// pre-bundles every Lambda handler in lambda/handlers/*.ts with esbuild into assets/<name>/index.js,
// which the constructs load with lambda.Code.fromAsset (a consumer needs neither esbuild nor Docker).
// tsc and esbuild run in parallel; either failing fails the build.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlersDir = join(root, 'lambda', 'handlers');
const assetsDir = join(root, 'assets');
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


const [tscOk, bundles] = await Promise.all([compile(), bundle()]);
copySchemas();
for (const b of bundles ?? []) {
  console.log(`  ${relative(root, b.file)}  ${(b.bytes / 1024).toFixed(1)} KiB`);
}
if (!tscOk || !bundles) {
  console.error(`build failed: ${!bundles ? 'esbuild could not bundle the handlers' : 'tsc reported errors'} (see above)`);
  process.exit(1);
}
console.log(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** tsc -p tsconfig.build.json into dist/. Resolves to false on compile errors. */
function compile() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
    child.on('close', (code) => resolve(code === 0));
    child.on('error', (err) => {
      console.error(`could not run tsc: ${err.message}`);
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
  const entryPoints = Object.fromEntries(entries.map((f) => [`${basename(f, '.ts')}/index`, join(handlersDir, f)]));
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
  return entries.map((f) => {
    const file = join(assetsDir, basename(f, '.ts'), 'index.js');
    return { file, bytes: statSync(file).size };
  });
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
