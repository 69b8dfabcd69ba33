/**
 * The packed package installed with nothing but its peers, as the jsii runtime of Python, Java,
 * .NET and Go loads it (the tarball unpacked, aws-cdk-lib and constructs from their own language
 * packages, no npm install of anything else), and as `npm install --omit=optional` leaves it: the
 * constructs load and synthesize, since lib/ needs none of the optional dependencies (the AWS SDK
 * clients and Powertools' batch processor, used by cdk-video-webhooks/runtime and the CLI); the
 * runtime entry then says which one is missing. With the optional dependencies (npm's default),
 * both entry points load: test/constructs/package.test.ts. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedPackage, root, type PackedApp } from '../runtime/packed-package';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
const optional = Object.keys(pkg.optionalDependencies ?? {});

const SYNTH = `
const { App, Stack } = require('aws-cdk-lib');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { VideoWebhookIngestion, Vendor } = require('cdk-video-webhooks');
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Videos');
new VideoWebhookIngestion(stack, 'VideoWebhooks', {
  vendors: [Vendor.synthesia({ webhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'SynthesiaSecret', 'video/synthesia') })],
});
const resources = Object.values(app.synth().getStackByName('Videos').template.Resources);
console.log(JSON.stringify({
  functions: resources.filter((r) => r.Type === 'AWS::Lambda::Function').length,
  routes: resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey),
}));
`;

function node(app: PackedApp, args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_VALIDATION: 'false' };
  return spawnSync(process.execPath, args, { cwd: app.dir, env, encoding: 'utf8', timeout: 180_000 });
}

describe('the package without its optional dependencies (as the jsii runtime loads it)', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-jsii-install-'));
  let app: PackedApp;
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeAll(() => {
    app = installPackedPackage(work, ['dist/lib/index.js', '.jsii', 'assets/verifier/index.js', 'dist/bin/cli.js'], optional);
  }, 120_000);

  it('has only the peers beside it: no AWS SDK, Powertools or ajv', () => {
    expect(optional).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-lambda-powertools/batch']));
    const installed = readdirSync(join(app.dir, 'node_modules')).sort();
    expect(installed).toEqual(['aws-cdk-lib', 'cdk-video-webhooks', 'constructs']);
    for (const dep of [...optional, 'ajv', 'ajv-formats']) expect(() => require.resolve(dep, { paths: [app.installed] })).toThrow();
  });

  it('loads the constructs and synthesizes a stack with them', () => {
    writeFileSync(join(app.dir, 'synth.js'), SYNTH);
    const r = node(app, ['synth.js', join(work, 'cdk.out')]);
    expect(r.stderr).not.toMatch(/Cannot find module/);
    expect(r.status).toBe(0);
    // The Synthesia verifier, the poller and the archive replay.
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ functions: 3, routes: ['POST /webhooks/synthesia'] });
  });

  it('prints the CLI help, and cdk-video-webhooks/runtime names the optional dependency it lacks', () => {
    const help = node(app, [join(app.installed, 'dist', 'bin', 'cli.js'), '--help']);
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: video-webhooks <command>/);
    const runtime = node(app, ['-e', "require('cdk-video-webhooks/runtime')"]);
    expect(runtime.status).not.toBe(0);
    expect(runtime.stderr).toMatch(/Cannot find module '(@aws-lambda-powertools\/batch|@aws-sdk\/client-dynamodb)'/);
  });
});
