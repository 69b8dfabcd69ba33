/**
 * One real `cdk synth` of the example app (bin/app.ts, via cdk.json), offline, with aws-cdk-lib's
 * CloudFormation validation on (test/setup-env.js turns it off for the other tests) and cdk-nag's
 * AwsSolutions pack: it must exit 0 with no unacknowledged finding. Slow (~12 s), so only one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };

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
    // 4 verifiers + 1 poller + the sample consumer.
    expect(ofType('AWS::Lambda::Function')).toHaveLength(6);
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
    expect(Object.keys(template.Outputs).length).toBe(4 + 6);
  }, 240_000); // a busy 2-core machine can take minutes
});
