/**
 * `VideoWebhookIngestion.metricReceived()`, `metricRejected()`, `metricEnqueued()` and
 * `metricQuarantined()` return the very series the pipeline's alarms and dashboard read: the same
 * namespace, metric name, dimensions (`Deployment`, `Vendor`), statistic and period, rendered by
 * CloudFormation exactly as the construct's own alarm renders it. And the public API follows the
 * CDK design guidelines: every `grant*` method is `grantXxx(grantee: iam.IGrantable): iam.Grant`
 * (extra arguments after the grantee), every `metric*` method takes `cloudwatch.MetricOptions` last
 * and returns a `cloudwatch.Metric`, and every prop that takes a resource of the user's says it is
 * an existing one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { Vendor, VideoWebhookIngestion, WebhookAuth } from '../../lib';

const root = join(__dirname, '..', '..');

function pipeline() {
  const stack = new Stack(new App(), 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  const webhookSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'webhook');
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', {
    vendors: [
      Vendor.sync({ webhookSecret }),
      Vendor.custom({ id: 'acme', webhookSecret, adapterOptions: { auth: WebhookAuth.bearer(), paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' } } }),
    ],
  });
  return { stack, ingestion };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** What an alarm watches, as CloudFormation has it. */
function watched(props: Record<string, unknown>) {
  const { Namespace, MetricName, Dimensions, Statistic, Period } = props;
  return { Namespace, MetricName, Dimensions, Statistic, Period };
}

describe("VideoWebhookIngestion's metrics", () => {
  it("metricRejected is the metric of the vendor's rejection alarm, for every vendor", () => {
    const { stack, ingestion } = pipeline();
    const logicalId = (alarm: IConstruct) => stack.getLogicalId(alarm.node.defaultChild as CfnElement);
    const mine = Object.fromEntries(['sync', 'acme'].map((vendor) => [vendor, logicalId(ingestion.metricRejected(vendor).createAlarm(stack, `Mine-${vendor}`, { threshold: 1, evaluationPeriods: 1 }))]));
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm') as Resources;
    for (const vendor of ['sync', 'acme']) {
      const own = logicalId(ingestion.node.findChild('Alarms').node.findChild('Rejections').node.findChild(vendor));
      expect(watched(alarms[mine[vendor]].Properties)).toEqual(watched(alarms[own].Properties));
      expect(watched(alarms[own].Properties)).toEqual({
        Namespace: 'VideoWebhooks',
        MetricName: 'Rejected',
        Dimensions: [{ Name: 'Deployment', Value: ingestion.deploymentId }, { Name: 'Vendor', Value: vendor }],
        Statistic: 'Sum',
        Period: 300,
      });
    }
  });

  it.each([
    ['metricReceived', 'Received'],
    ['metricRejected', 'Rejected'],
    ['metricEnqueued', 'Enqueued'],
    ['metricQuarantined', 'Quarantined'],
  ] as const)('%s reads %s of the deployment and the vendor, as the dashboard graphs it', (method, metricName) => {
    const { stack, ingestion } = pipeline();
    const metric = ingestion[method]('acme');
    expect(metric).toBeInstanceOf(cloudwatch.Metric);
    expect({ namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, statistic: metric.statistic, period: metric.period.toSeconds() }).toEqual({
      namespace: 'VideoWebhooks',
      metricName,
      dimensions: { Deployment: ingestion.deploymentId, Vendor: 'acme' },
      statistic: 'Sum',
      period: 300,
    });
    if (metricName !== 'Rejected') {
      // The dashboard graphs it per vendor (Rejected it graphs by reason, with a SEARCH).
      const body = JSON.stringify(stack.resolve((ingestion.dashboard!.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
      expect(body).toContain(`[\\"VideoWebhooks\\",\\"${metricName}\\",\\"Deployment\\",\\"${ingestion.deploymentId}\\",\\"Vendor\\",\\"acme\\"`);
    }
  });

  it('takes MetricOptions like any CDK metric method', () => {
    const { ingestion } = pipeline();
    const metric = ingestion.metricEnqueued('sync', { period: Duration.minutes(1), statistic: cloudwatch.Stats.SAMPLE_COUNT, label: 'sync events' });
    expect({ period: metric.period.toSeconds(), statistic: metric.statistic, label: metric.label, dimensions: metric.dimensions }).toEqual({
      period: 60,
      statistic: 'SampleCount',
      label: 'sync events',
      dimensions: { Deployment: ingestion.deploymentId, Vendor: 'sync' },
    });
  });

  it('refuses the webhook metrics of a poll-only vendor (it has no route: they are never published), not its events', () => {
    const stack = new Stack(new App(), 'Polled');
    const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.runway({ apiKey: secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'runway') })] });
    for (const method of ['metricReceived', 'metricRejected', 'metricQuarantined'] as const) {
      expect(() => ingestion[method]('runway')).toThrow('Polled/Webhooks: vendor runway sends no webhooks (it is polled): it has no webhook metrics; metricEnqueued(\'runway\') counts its events');
    }
    expect(ingestion.metricEnqueued('runway').dimensions).toEqual({ Deployment: ingestion.deploymentId, Vendor: 'runway' });
  });

  it('refuses a vendor the pipeline does not have, saying which it has', () => {
    const { ingestion } = pipeline();
    for (const method of ['metricReceived', 'metricRejected', 'metricEnqueued', 'metricQuarantined'] as const) {
      expect(() => ingestion[method]('heygen')).toThrow('Shop/Webhooks: unknown vendor "heygen": this construct has sync, acme; pass one of them');
    }
  });
});

describe('the public API, as the CDK design guidelines ask (https://github.com/aws/aws-cdk/blob/main/docs/DESIGN_GUIDELINES.md)', () => {
  interface TypeRef { readonly fqn?: string; readonly primitive?: string }
  interface Method { readonly name: string; readonly parameters?: ReadonlyArray<{ readonly name: string; readonly type: TypeRef; readonly optional?: boolean }>; readonly returns?: { readonly type: TypeRef } }
  interface JsiiType { readonly kind: string; readonly datatype?: boolean; readonly methods?: readonly Method[]; readonly properties?: ReadonlyArray<{ readonly name: string; readonly type: TypeRef; readonly docs?: { readonly summary?: string; readonly remarks?: string } }> }
  const file = join(root, '.jsii');
  if (!existsSync(file)) throw new Error('.jsii is missing: run "npm run build" first (it compiles lib/ with jsii)');
  const types = Object.entries((JSON.parse(readFileSync(file, 'utf8')) as { types: Record<string, JsiiType> }).types);
  const methods = (prefix: string) => types.flatMap(([fqn, t]) => (t.methods ?? []).filter((m) => m.name.startsWith(prefix)).map((m) => [`${fqn}.${m.name}`, m] as const));

  it('has grant methods grantXxx(grantee: iam.IGrantable, ...): iam.Grant', () => {
    const grants = methods('grant');
    expect(grants.length).toBeGreaterThanOrEqual(8);
    for (const [name, m] of grants) {
      expect({ name, first: m.parameters?.[0], returns: m.returns?.type.fqn }).toEqual({ name, first: { name: 'grantee', type: { fqn: 'aws-cdk-lib.aws_iam.IGrantable' } }, returns: 'aws-cdk-lib.aws_iam.Grant' });
    }
  });

  it('has metric methods metricXxx(..., props?: cloudwatch.MetricOptions): cloudwatch.Metric', () => {
    const metrics = methods('metric');
    expect(metrics.map(([name]) => name)).toEqual(expect.arrayContaining(['metricReceived', 'metricRejected', 'metricEnqueued', 'metricQuarantined'].map((m) => `cdk-video-webhooks.VideoWebhookIngestion.${m}`)));
    for (const [name, m] of metrics) {
      const last = m.parameters?.[m.parameters.length - 1];
      expect({ name, last: { type: last?.type.fqn, optional: last?.optional }, returns: m.returns?.type.fqn }).toEqual({ name, last: { type: 'aws-cdk-lib.aws_cloudwatch.MetricOptions', optional: true }, returns: 'aws-cdk-lib.aws_cloudwatch.Metric' });
    }
  });

  it('documents each prop that takes a resource of yours as an existing one', () => {
    const resourceProps = types.flatMap(([fqn, t]) =>
      t.datatype ? (t.properties ?? []).filter((p) => /^aws-cdk-lib\.[a-z0-9_]+\.I[A-Z]\w*$/.test(p.type.fqn ?? '') && p.type.fqn !== 'aws-cdk-lib.aws_cloudwatch.IMetric').map((p) => [`${fqn}.${p.name}`, `${p.docs?.summary ?? ''} ${p.docs?.remarks ?? ''}`] as const) : [],
    );
    expect(resourceProps.length).toBeGreaterThanOrEqual(8);
    expect(resourceProps.filter(([, docs]) => !/\bexisting\b/i.test(docs)).map(([name]) => name)).toEqual([]);
  });
});
