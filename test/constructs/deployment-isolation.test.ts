/**
 * Two pipelines in one account and region (staging and prod as two stacks, or two
 * VideoWebhookIngestion in one stack) never alarm on, or graph, each other's traffic: every metric
 * in the pipeline's own namespace that an alarm or a dashboard widget of ingestion A reads carries
 * A's `Deployment` dimension, the value A's functions are told to emit (`VW_DEPLOYMENT`), and no
 * alarm or widget of A names B's value or one of B's resources.
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV, METRIC_NAMESPACE } from '../../lambda/contract/deployment';
import { Vendor, VideoWebhookIngestion } from '../../lib';

const ENVIRONMENT = { account: '111111111111', region: 'eu-west-1' };

function ingestion(scope: Construct, id: string): VideoWebhookIngestion {
  const secret = (name: string) => new secretsmanager.Secret(scope, `${id}${name}`);
  return new VideoWebhookIngestion(scope, id, {
    vendors: [Vendor.sync({ webhookSecret: secret('SyncWebhook'), apiKey: secret('SyncApi') }), Vendor.lipdub({ webhookSecret: secret('LipDubWebhook'), apiKey: secret('LipDubApi') })],
  });
}

interface Pipeline {
  readonly name: string;
  readonly stack: Stack;
  readonly ingestion: VideoWebhookIngestion;
}

/** Staging and prod: two stacks of one app, the same construct id in each. */
function twoStacks(): [Pipeline, Pipeline] {
  const app = new App();
  const staging = new Stack(app, 'VideoWebhooksStaging', { env: ENVIRONMENT });
  const prod = new Stack(app, 'VideoWebhooksProd', { env: ENVIRONMENT });
  return [
    { name: 'staging', stack: staging, ingestion: ingestion(staging, 'Webhooks') },
    { name: 'prod', stack: prod, ingestion: ingestion(prod, 'Webhooks') },
  ];
}

/** Two ingestions side by side in one stack. */
function oneStack(): [Pipeline, Pipeline] {
  const stack = new Stack(new App(), 'VideoWebhooks', { env: ENVIRONMENT });
  return [
    { name: 'first', stack, ingestion: ingestion(stack, 'First') },
    { name: 'second', stack, ingestion: ingestion(stack, 'Second') },
  ];
}

const logicalIdOf = (stack: Stack, c: Construct) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;

/** Logical ids that a template value refers to (Ref, Fn::GetAtt, ${Sub}). */
function referencedIds(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(/"Ref":"([^"]+)"|"Fn::GetAtt":\["([^"]+)"/g)].map((m) => m[1] ?? m[2]).filter((id) => !id.startsWith('AWS::'));
}

/** What a pipeline's alarms and dashboard read, as the template has it. */
function observed(p: Pipeline) {
  const template = Template.fromStack(p.stack).toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const own = new Set(p.ingestion.node.findAll().flatMap((c) => (c instanceof CfnElement ? [p.stack.resolve(c.logicalId) as string] : [])));
  const alarms = p.ingestion.alarms.map((a) => template.Resources[logicalIdOf(p.stack, a as cloudwatch.Alarm)].Properties);
  const dashboard = template.Resources[logicalIdOf(p.stack, p.ingestion.dashboard!)].Properties.DashboardBody;
  const functions = Object.values(template.Resources).filter((r, i) => r.Type === 'AWS::Lambda::Function' && own.has(Object.keys(template.Resources)[i]));
  const deployments = new Set(functions.map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables?.[ENV.DEPLOYMENT]));
  return { own, alarms, dashboard, deployments, functionCount: functions.length };
}

describe.each([
  ['two stacks of one app (staging and prod)', twoStacks],
  ['two VideoWebhookIngestion in one stack', oneStack],
] as const)('%s', (_name, build) => {
  const [a, b] = build();
  const seen = { [a.name]: observed(a), [b.name]: observed(b) };
  /** The one Deployment value a pipeline's functions emit. */
  const deploymentOf = (p: Pipeline): string => {
    const [value, ...more] = [...seen[p.name].deployments];
    if (typeof value !== 'string' || more.length > 0) throw new Error(`the functions of ${p.name} have no single ${ENV.DEPLOYMENT}: ${JSON.stringify([value, ...more])}`);
    return value;
  };

  it('tells every function of each pipeline one Deployment value, different between the two, within CloudWatch dimension limits', () => {
    const values = [a, b].map((p) => [...seen[p.name].deployments]);
    for (const v of values) {
      expect(v).toHaveLength(1);
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html: 1-1024 ASCII characters, no control characters.
      expect(v[0]).toMatch(/^[A-Za-z0-9-]{1,255}$/);
    }
    expect(values[0][0]).not.toBe(values[1][0]);
    expect([a, b].map((p) => p.ingestion.deploymentId)).toEqual([values[0][0], values[1][0]]);
  });

  it.each([0, 1])('has alarms of pipeline %d that read only its own metrics and resources', (index) => {
    const [self, other] = index === 0 ? [a, b] : [b, a];
    const [mine, theirs] = [deploymentOf(self), deploymentOf(other)];
    for (const alarm of seen[self.name].alarms) {
      const dims = (alarm.Dimensions as Array<{ Name: string; Value: unknown }> | undefined) ?? [];
      if (alarm.Namespace === METRIC_NAMESPACE) {
        expect({ metric: alarm.MetricName, deployment: dims.find((d) => d.Name === 'Deployment')?.Value }).toEqual({ metric: alarm.MetricName, deployment: mine });
      } else {
        // An AWS metric is per resource: the resource must be this pipeline's.
        expect({ metric: alarm.MetricName, foreign: referencedIds(dims).filter((id) => !seen[self.name].own.has(id)) }).toEqual({ metric: alarm.MetricName, foreign: [] });
      }
      expect(JSON.stringify(alarm)).not.toContain(theirs);
    }
  });

  it.each([0, 1])('has a dashboard of pipeline %d whose widgets graph only its own metrics and resources', (index) => {
    const [self, other] = index === 0 ? [a, b] : [b, a];
    const [mine, theirs] = [deploymentOf(self), deploymentOf(other)];
    const body = seen[self.name].dashboard;
    expect(referencedIds(body).filter((id) => !seen[self.name].own.has(id))).toEqual([]);
    // The body is an Fn::Join of strings and tokens (resource names): its strings hold the metrics of our namespace.
    const parts = typeof body === 'string' ? [body] : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const literal = parts.filter((part): part is string => typeof part === 'string').join('');
    const ours = [...literal.matchAll(/\["VideoWebhooks","([^"]+)"((?:,"[^"]*")*)/g)];
    expect(ours.length).toBeGreaterThan(0);
    for (const [, metric, rest] of ours) {
      const values = [...rest.matchAll(/,"([^"]*)"/g)].map((m) => m[1]);
      const dims = Object.fromEntries(values.flatMap((v, i) => (i % 2 === 0 && i + 1 < values.length ? [[v, values[i + 1]]] : [])));
      expect({ metric, deployment: dims.Deployment }).toEqual({ metric, deployment: mine });
    }
    const searches = [...literal.matchAll(/SEARCH\(\\?'([^']*)\\?'/g)].map((m) => m[1]);
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) expect(search).toMatch(new RegExp(`^\\{${METRIC_NAMESPACE},Deployment,[^}]*\\} .*Deployment=\\\\?"${mine}\\\\?"`));
    expect(literal).not.toContain(theirs);
  });
});
