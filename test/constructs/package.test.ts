/**
 * The published package works for a consumer: `npm pack` the built library, unpack the tarball
 * into a fresh CDK app's node_modules (its dependencies and peers linked from this repo, offline;
 * no esbuild in the app, and no ajv: the runtime's validator is precompiled), compose
 * VideoWebhookIngestion inside an existing stack and synthesize it. Needs `npm run build` first
 * (`npm test` runs it).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { installPackedPackage } from '../runtime/packed-package';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const APP = `
const { App, Stack } = require('aws-cdk-lib');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const sqs = require('aws-cdk-lib/aws-sqs');
const { VideoWebhookIngestion, Vendor } = require('cdk-video-webhooks');
const runtime = require('cdk-video-webhooks/runtime');

// The consumer's own stack, with resources of its own.
class OrdersStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    this.orders = new sqs.Queue(this, 'Orders', { enforceSSL: true });
  }
}
const app = new App({ outdir: process.argv[2] });
const stack = new OrdersStack(app, 'OrdersStack');
const webhooks = new VideoWebhookIngestion(stack, 'VideoWebhooks', {
  vendors: [
    Vendor.sync({ webhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'SyncSecret', 'video/sync-webhook') }),
    Vendor.synthesia({ webhookSecret: new secretsmanager.Secret(stack, 'SynthesiaSecret') }),
  ],
});
const assembly = app.synth();
const artifact = assembly.getStackByName('OrdersStack');
const resources = Object.values(artifact.template.Resources);
const count = (type) => resources.filter((r) => r.Type === type).length;
console.log(JSON.stringify({
  functions: count('AWS::Lambda::Function'),
  routes: resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort(),
  queues: count('AWS::SQS::Queue'),
  tables: count('AWS::DynamoDB::Table'),
  runtimeExports: Object.keys(runtime).sort(),
  rejection: (() => { try { runtime.parseVideoJobEvent('{}'); } catch (e) { return e.message; } })(),
  endpoint: typeof webhooks.endpointUrl('sync'),
}));
`;

describe('the npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs into a fresh CDK app without esbuild or ajv and synthesizes inside an existing stack', () => {
    const app = installPackedPackage(
      work,
      ['dist/lib/index.js', 'dist/lib/index.d.ts', 'assets/verifier/index.js', 'assets/poller/index.js', 'dist/esm/lambda/runtime/index.mjs'],
      ['ajv', 'ajv-formats'], // nothing needs them at run time any more
    );
    const { files } = app;
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'assets/verifier/index.js',
        'assets/poller/index.js',
        'LICENSE',
        'package.json',
        // cdk-video-webhooks/runtime: CommonJS (require) and ES modules (import), the precompiled validator in both.
        'dist/lambda/runtime/index.js',
        'dist/lambda/runtime/index.d.ts',
        'dist/lambda/runtime/event-handler.js',
        'dist/lambda/runtime/event-validator.generated.js',
        'dist/esm/lambda/runtime/index.mjs',
        'dist/esm/lambda/runtime/index.d.mts',
        'dist/esm/lambda/runtime/event-handler.mjs',
        'dist/esm/lambda/runtime/event-validator.generated.mjs',
        // video-webhooks dev: the CLI loads the laptop's code from dist/local.
        'dist/bin/cli.js',
        'dist/local/dev-server/dev-server.js',
        'dist/local/strict-aws/emulators.js',
        // video-webhooks dev's console page, as npm run build writes it.
        'dist/local/dev-server/console/assets/index.html',
        'dist/local/dev-server/console/assets/console.js',
        'dist/local/dev-server/console/assets/console.css',
      ]),
    );
    expect(files.filter((f) => /^(test|lib|lambda|local|bin|scripts)\//.test(f) || f.endsWith('.test.js') || f.startsWith('dist/bin/app'))).toEqual([]);
    // The example app's consumer is not part of the library.
    expect(files.filter((f) => f.startsWith('assets/sample-consumer/') || f.includes('/runtime/examples/'))).toEqual([]);
    // Every module the ES entry imports is in the package (the relative imports of each .mjs and .d.mts).
    const esm = files.filter((f) => f.startsWith('dist/esm/'));
    const missing = esm.flatMap((f) =>
      [...readFileSync(join(app.installed, f), 'utf8').matchAll(/from\s+["'](\.\.?\/[^"']+)["']/g)].map((m) => normalize(join(dirname(f), m[1]))).filter((target) => !files.includes(target)),
    );
    expect(missing).toEqual([]);

    const appDir = app.dir;
    expect(() => require.resolve('esbuild', { paths: [appDir] })).toThrow();
    expect(readdirSync(join(appDir, 'node_modules'))).not.toContain('esbuild');
    expect(readdirSync(join(appDir, 'node_modules'))).not.toContain('ajv');

    writeFileSync(join(appDir, 'app.js'), APP);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CDK_VALIDATION; // a consumer's synth runs aws-cdk-lib's CloudFormation validation
    const outdir = join(work, 'cdk.out');
    const summary = JSON.parse(run(process.execPath, ['app.js', outdir], appDir, env).stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      functions: 4, // 2 verifiers, the poller, the archive replay
      routes: ['POST /webhooks/sync', 'POST /webhooks/synthesia'],
      queues: 4, // Orders + events + DLQ + quarantine
      tables: 1,
      endpoint: 'string',
      runtimeExports: expect.arrayContaining(['parseVideoJobEvent', 'videoJobEventHandler', 'registerJob']),
      rejection: expect.stringMatching(/^not a video job event: \/: must have required property 'specversion'; /),
    });

    // The function code is the package's prebuilt bundles, staged unchanged.
    const bundles = ['verifier', 'poller', 'archive-replay'].map((h) => readFileSync(join(appDir, 'node_modules', 'cdk-video-webhooks', 'assets', h, 'index.js'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(outdir, 'OrdersStack.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const assetDirs = Object.values(manifest.files).filter((f) => f.source.packaging === 'zip').map((f) => f.source.path);
    expect(assetDirs.length).toBeGreaterThan(0);
    const staged = assetDirs.map((dir) => readFileSync(join(outdir, dir, 'index.js'), 'utf8'));
    expect(new Set(staged)).toEqual(new Set(bundles));
  }, 240_000); // a busy 2-core machine can take minutes
});
