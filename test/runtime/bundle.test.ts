/**
 * `cdk-video-webhooks/runtime` is what a consumer bundles into its Lambda, so it must stay small:
 * built here from the packed package (what a user installs), with esbuild as a consumer would
 * (minified, `@aws-sdk/*` external, platform node, target node22), then run on the Node.js of each Lambda runtime the construct accepts (22 and 24).
 * Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { build, type Metafile } from 'esbuild';
import { lambdaNode, LAMBDA_NODE_MAJORS } from '../support/lambda-node';
import { invokeOnLambdaNode } from './lambda-invoke';
import { installPackedPackage, root, type PackedApp } from './packed-package';
import { eventRecord, jobEvent, sqsEvent, sqsRecord } from './sqs-batch';

/** The budget for a consumer of videoJobEventHandler and parseVideoJobEvent (minified, SDK external). */
const CONSUMER_BUDGET_BYTES = 80 * 1024;

const CONSUMER = `
import { parseVideoJobEvent, videoJobEventHandler } from 'cdk-video-webhooks/runtime';

/** A replay tool's read of a message body it fetched itself. */
export function readEvent(body: string) {
  return parseVideoJobEvent(body);
}

export const handler = videoJobEventHandler(async (event) => {
  if (event.data.jobId.startsWith('refused-')) throw new Error('downstream refused ' + event.data.jobId);
  console.log(JSON.stringify({ handled: event.data.jobId + ':' + event.data.status }));
});
`;

/** The same consumer loading the package with require (the CommonJS entry). */
const CONSUMER_CJS = `
const { parseVideoJobEvent, videoJobEventHandler } = require('cdk-video-webhooks/runtime');
exports.readEvent = (body) => parseVideoJobEvent(body);
exports.handler = videoJobEventHandler(async (event) => console.log(event.id));
`;

const PARSER_ONLY = `export { parseVideoJobEvent } from 'cdk-video-webhooks/runtime';\n`;
const PRODUCER = `export { registerJob } from 'cdk-video-webhooks/runtime';\n`;
const EVERYTHING = `export * from 'cdk-video-webhooks/runtime';\n`;

interface Bundle {
  readonly file: string;
  readonly bytes: number;
  /** Every input file in the bundle, relative to the app. */
  readonly inputs: string[];
  /** What the bundle still loads at run time. */
  readonly imports: string[];
}

jest.setTimeout(180_000);

describe('the runtime entry, bundled by a consumer from the packed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-runtime-bundle-'));
  let app: PackedApp;
  const sizes: Record<string, string> = {};

  beforeAll(() => {
    app = installPackedPackage(work, ['dist/lambda/runtime/index.js', 'dist/esm/lambda/runtime/index.mjs', 'dist/esm/lambda/runtime/index.d.mts']);
  });
  afterAll(() => {
    console.log(`runtime bundles (minified, @aws-sdk/* external, node22):\n${Object.entries(sizes).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    rmSync(work, { recursive: true, force: true });
  });

  async function bundleConsumer(name: string, source: string, loader: 'ts' | 'js' = 'ts'): Promise<Bundle> {
    const entry = join(app.dir, `${name}.${loader}`);
    writeFileSync(entry, source);
    const file = join(app.dir, 'out', `${name}.js`);
    const out = await build({
      entryPoints: [entry],
      outfile: file,
      absWorkingDir: app.dir,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values((out.metafile as Metafile).outputs)[0];
    const bytes = output.bytes;
    sizes[name] = `${(bytes / 1024).toFixed(1)} KiB`;
    return { file, bytes, inputs: Object.keys(output.inputs), imports: output.imports.map((i) => i.path) };
  }

  it('bundles a consumer of videoJobEventHandler and parseVideoJobEvent to at most 80 KiB, with no ajv, no registerJob and no DynamoDB client', async () => {
    const consumer = await bundleConsumer('consumer', CONSUMER);
    console.log(`consumer of videoJobEventHandler + parseVideoJobEvent: ${(consumer.bytes / 1024).toFixed(1)} KiB (budget ${CONSUMER_BUDGET_BYTES / 1024} KiB)`);

    expect(consumer.bytes).toBeLessThanOrEqual(CONSUMER_BUDGET_BYTES);
    // It came from the package's ES modules (the import condition), so unused modules were dropped.
    expect(consumer.inputs.some((f) => f.includes('cdk-video-webhooks/dist/esm/lambda/runtime/event-handler.mjs'))).toBe(true);
    expect(consumer.inputs.filter((f) => /node_modules\/(ajv|ajv-formats|fast-uri)\//.test(f))).toEqual([]);
    expect(consumer.inputs.filter((f) => /register-job|dynamo-store|delivery/.test(f))).toEqual([]);
    expect(consumer.imports).not.toContain('@aws-sdk/client-dynamodb');
    expect(consumer.inputs.some((f) => f.includes('@aws-lambda-powertools/batch'))).toBe(true);

    // For the record: the other ways to take the runtime (sizes printed after the suite).
    const parserOnly = await bundleConsumer('parser-only', PARSER_ONLY);
    expect(parserOnly.bytes).toBeLessThan(consumer.bytes);
    await bundleConsumer('consumer-via-require', CONSUMER_CJS, 'js');
    await bundleConsumer('whole-runtime', EVERYTHING);
  });

  it.each(LAMBDA_NODE_MAJORS)('runs that consumer on Node.js %i: it answers an SQS event with the failed record and the rest of its job, and handles the others in order', async (major) => {
    const consumer = await bundleConsumer('consumer', CONSUMER);
    const batch = sqsEvent([
      eventRecord(jobEvent('job-1', 'processing', 0.2), 'm-1'),
      eventRecord(jobEvent('refused-2', 'processing', 0.2), 'm-2'),
      sqsRecord('{"not":"an event"}', 'acme#job-3', 'm-3'),
      eventRecord(jobEvent('job-1', 'succeeded'), 'm-4'),
      eventRecord(jobEvent('refused-2', 'succeeded'), 'm-5'),
      eventRecord(jobEvent('job-3', 'succeeded'), 'm-6'),
      eventRecord(jobEvent('job-4', 'queued'), 'm-7'),
    ]);

    const run = invokeOnLambdaNode<SQSBatchResponse>(major, consumer.file, batch);

    expect(run.version).toMatch(new RegExp(`^v${major}\\.`));
    expect(run.result).toEqual({ batchItemFailures: ['m-2', 'm-3', 'm-5', 'm-6'].map((itemIdentifier) => ({ itemIdentifier })) });
    const handled = run.logs.flatMap((l) => (l.startsWith('{"handled"') ? [(JSON.parse(l) as { handled: string }).handled] : []));
    expect(handled).toEqual(['job-1:processing', 'job-1:succeeded', 'job-4:queued']);
  });

  it('keeps registerJob in the same entry for producers: their bundle has the job store and loads the DynamoDB client', async () => {
    const producer = await bundleConsumer('register-job-only', PRODUCER);
    expect(producer.inputs.some((f) => f.endsWith('dist/esm/lambda/adapters/aws/dynamo-store.mjs'))).toBe(true);
    expect(producer.imports).toContain('@aws-sdk/client-dynamodb');
    expect(producer.inputs.filter((f) => /event-handler|event-validator|powertools/.test(f))).toEqual([]);
  });

  it.each(LAMBDA_NODE_MAJORS)('loads on Node.js %i as ES modules (import) and as CommonJS (require) with the same exports, and types as ES modules for TypeScript', (major) => {
    writeFileSync(
      join(app.dir, 'exports.mjs'),
      `import * as esm from 'cdk-video-webhooks/runtime';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('cdk-video-webhooks/runtime');
const body = ${JSON.stringify(JSON.stringify(jobEvent('job-9', 'succeeded')))};
console.log(JSON.stringify({ esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort(), parsed: [esm.parseVideoJobEvent(body).id, cjs.parseVideoJobEvent(body).id] }));
`,
    );
    const node = spawnSync(lambdaNode(major), ['exports.mjs'], { cwd: app.dir, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' } });
    expect({ status: node.status, stderr: node.stderr }).toEqual({ status: 0, stderr: '' });
    const loaded = JSON.parse(node.stdout) as { esm: string[]; cjs: string[]; parsed: string[] };
    expect(loaded.esm).toEqual(loaded.cjs);
    expect(loaded.esm).toEqual(expect.arrayContaining(['videoJobEventHandler', 'parseVideoJobEvent', 'registerJob', 'InvalidVideoJobEventError']));
    expect(new Set(loaded.parsed).size).toBe(1);

    // TypeScript with node16 resolution takes the import condition's .d.mts; aws-lambda's types fit it.
    for (const types of ['@types/aws-lambda', '@types/node']) {
      mkdirSync(join(app.dir, 'node_modules', '@types'), { recursive: true });
      if (!existsSync(join(app.dir, 'node_modules', types))) symlinkSync(join(root, 'node_modules', types), join(app.dir, 'node_modules', types), 'dir');
    }
    writeFileSync(
      join(app.dir, 'typed.mts'),
      `import type { Context, SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { videoJobEventHandler, type VideoJobEvent } from 'cdk-video-webhooks/runtime';

export const handler: SQSHandler = videoJobEventHandler(async (event: VideoJobEvent, record: SQSRecord, context: Context) => {
  const terminal: boolean = event.data.terminal;
  const left: number = context.getRemainingTimeInMillis();
  console.log(terminal, left, record.attributes.MessageGroupId);
});
export const plain = videoJobEventHandler((event) => console.log(event.data.jobId));
export const answer = (e: SQSEvent, c: Context) => plain(e, c).then((r) => r.batchItemFailures.map((f) => f.itemIdentifier));
`,
    );
    writeFileSync(
      join(app.dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, types: ['node'], skipLibCheck: true }, files: ['typed.mts'] }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--listFiles'], { cwd: app.dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect({ status: tsc.status, errors }).toEqual({ status: 0, errors: [] });
    const packageFiles = tsc.stdout.split('\n').filter((f) => f.includes('cdk-video-webhooks/dist/')).map((f) => f.slice(f.indexOf('dist/')));
    expect(packageFiles).toEqual(expect.arrayContaining(['dist/esm/lambda/runtime/index.d.mts', 'dist/esm/lambda/runtime/event-handler.d.mts', 'dist/esm/lambda/core/event.d.mts']));
    expect(packageFiles.filter((f) => !f.startsWith('dist/esm/'))).toEqual([]);
  });
});
