/**
 * One real `cdk synth` of the example app (bin/app.ts, via cdk.json), offline, with aws-cdk-lib's
 * CloudFormation validation on (test/setup-env.js turns it off for the other tests) and cdk-nag's
 * AwsSolutions pack: it must exit 0 with no unacknowledged finding. Slow (~12 s), so only one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { invokeOnLambdaNode } from '../runtime/lambda-invoke';
import { majorOfRuntime, type LambdaNodeMajor } from '../support/lambda-node';
import { eventRecord, jobEvent, sqsEvent, sqsRecord } from '../runtime/sqs-batch';

const root = join(__dirname, '..', '..');
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };
type Resource = Template['Resources'][string];

/** The file Lambda would load for a function of the synthesized app: its inline code, or index.js of its staged asset. */
function deployedCode(outdir: string, fn: Resource): string {
  const code = fn.Properties.Code as { ZipFile?: string; S3Key?: string };
  if (code.ZipFile !== undefined) {
    const file = join(outdir, 'inline-code.js');
    writeFileSync(file, code.ZipFile);
    return file;
  }
  const manifest = JSON.parse(readFileSync(join(outdir, 'VideoWebhooksExample.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const asset = Object.values(manifest.files).find((f) => Object.values(f.destinations).some((d) => d.objectKey === code.S3Key));
  if (!asset) throw new Error(`no asset of the app has the object key ${code.S3Key}`);
  return join(outdir, asset.source.path, 'index.js');
}

describe('the example app', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'vw-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes offline with CloudFormation validation and cdk-nag at 0 unacknowledged findings', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };
    delete env.CDK_VALIDATION;
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete env[name];
    const started = Date.now();
    const run = spawnSync(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--no-notices', '--quiet', '-o', outdir], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, output: run.status === 0 ? '' : output }).toEqual({ status: 0, output: '' });
    expect(output).not.toMatch(/Acknowledge with/);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: Array<{ violations: unknown[] }> };
    expect(report.pluginReports.flatMap((p) => p.violations)).toEqual([]);
    console.log(`cdk synth of the example app took ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const template = JSON.parse(readFileSync(join(outdir, 'VideoWebhooksExample.template.json'), 'utf8')) as Template;
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
    expect(ofType('AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort()).toEqual(
      ['POST /webhooks/lipdub', 'POST /webhooks/sync', 'POST /webhooks/synthesia', 'POST /webhooks/viralsync'],
    );
    // 4 verifiers + 1 poller + the archive replay + the sample consumer.
    expect(ofType('AWS::Lambda::Function')).toHaveLength(7);
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.filter((q) => q.Properties.RedrivePolicy)).toHaveLength(1);
    expect(queues.filter((q) => q.Properties.RedriveAllowPolicy)).toHaveLength(1);
    expect(queues.every((q) => q.Properties.FifoQueue === true)).toBe(true);
    expect(queues).toHaveLength(3); // events, DLQ, quarantine
    const [table] = ofType('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(ofType('AWS::Events::Rule')).toHaveLength(1);
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(1);
    expect(ofType('AWS::CloudWatch::Alarm').length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(template.Outputs).length).toBe(4 + 6 + 4); // + the archive's bucket, stream, table and replay function

    // The sample consumer keeps each job's order: a job's event that fails fails the rest of the
    // job's events in the batch, unhandled; other jobs go on. Run as deployed, on the Node.js of its runtime.
    const [consumerId, consumer] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('SampleConsumer'))!;
    expect(consumerId).toMatch(/^SampleConsumer[0-9A-F]{8}$/);
    const unreadable = JSON.stringify(jobEvent('job-a', 'processing', 0.5)).slice(0, 60); // a body cut short
    const major = majorOfRuntime((consumer.Properties as { Runtime: string }).Runtime) as LambdaNodeMajor;
    const invoked = invokeOnLambdaNode<SQSBatchResponse>(
      major,
      deployedCode(outdir, consumer),
      sqsEvent([sqsRecord(unreadable, 'acme#job-a', 'a-1'), eventRecord(jobEvent('job-b', 'processing', 0.5), 'b-1'), eventRecord(jobEvent('job-a', 'succeeded'), 'a-2')]),
    );
    expect(invoked.version).toMatch(new RegExp(`^v${major}\\.`));
    expect(invoked.result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a-1', 'a-2']);
    const handled = invoked.logs.flatMap((l) => {
      const line = JSON.parse(l) as { message?: string; jobId?: string; status?: string };
      return line.message === 'event' ? [`${line.jobId}:${line.status}`] : [];
    });
    expect(handled).toEqual(['job-b:processing']);
  }, 240_000); // a busy 2-core machine can take minutes
});
