/**
 * The published package works for a consumer: `npm pack` the built library, unpack the tarball
 * into a fresh CDK app's node_modules (its dependencies and peers linked from this repo, offline;
 * no esbuild in the app), compose VideoWebhookIngestion inside an existing stack and
 * synthesize it. Needs `npm run build` first (`npm test` runs it).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');

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
  endpoint: typeof webhooks.endpointUrl('sync'),
}));
`;

describe('the npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs into a fresh CDK app without esbuild and synthesizes inside an existing stack', () => {
    for (const f of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'assets/verifier/index.js', 'assets/poller/index.js']) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run "npm run build" before this test`);
    }

    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root).stdout) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0].files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'assets/verifier/index.js', 'assets/poller/index.js', 'LICENSE', 'package.json']),
    );
    expect(files.filter((f) => /^(test|lib|lambda|bin|scripts)\//.test(f) || f.endsWith('.test.js') || f.startsWith('dist/bin/app'))).toEqual([]);

    const appDir = join(work, 'app');
    const installed = join(appDir, 'node_modules', 'cdk-video-webhooks');
    mkdirSync(installed, { recursive: true });
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, dependencies: { 'cdk-video-webhooks': `file:../${packed[0].filename}` } }),
    );
    // Unpack the tarball where npm would put it. Its dependencies and peers are linked from this
    // repo's node_modules (the versions of our lockfile) instead of fetched: tests stay offline, and
    // `npm install --offline` cannot resolve them from a cache that `npm ci` filled with tarballs only.
    run('tar', ['-xzf', join(work, packed[0].filename), '-C', installed, '--strip-components=1'], appDir);
    const manifestOfPackage = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const required = Object.keys(manifestOfPackage.peerDependencies ?? {}).filter((p) => !manifestOfPackage.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys(manifestOfPackage.dependencies ?? {}), ...required]) {
      const target = join(appDir, 'node_modules', dep);
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(root, 'node_modules', dep), target, 'dir');
    }
    expect(() => require.resolve('esbuild', { paths: [appDir] })).toThrow();
    expect(readdirSync(join(appDir, 'node_modules'))).not.toContain('esbuild');

    writeFileSync(join(appDir, 'app.js'), APP);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CDK_VALIDATION; // a consumer's synth runs aws-cdk-lib's CloudFormation validation
    const outdir = join(work, 'cdk.out');
    const summary = JSON.parse(run(process.execPath, ['app.js', outdir], appDir, env).stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      functions: 3,
      routes: ['POST /webhooks/sync', 'POST /webhooks/synthesia'],
      queues: 4, // Orders + events + DLQ + quarantine
      tables: 1,
      endpoint: 'string',
      runtimeExports: expect.arrayContaining(['parseVideoJobEvent']),
    });

    // The function code is the package's prebuilt bundles, staged unchanged.
    const bundles = ['verifier', 'poller'].map((h) => readFileSync(join(appDir, 'node_modules', 'cdk-video-webhooks', 'assets', h, 'index.js'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(outdir, 'OrdersStack.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const assetDirs = Object.values(manifest.files).filter((f) => f.source.packaging === 'zip').map((f) => f.source.path);
    expect(assetDirs.length).toBeGreaterThan(0);
    const staged = assetDirs.map((dir) => readFileSync(join(outdir, dir, 'index.js'), 'utf8'));
    expect(new Set(staged)).toEqual(new Set(bundles));
  }, 240_000); // a busy 2-core machine can take minutes
});
