/**
 * Redeploying a stack after `cdk destroy` (or after a failed first create) must not hit "already
 * exists" (issue 18, finding 3): a resource CloudFormation leaves behind (DeletionPolicy or
 * UpdateReplacePolicy Retain) keeps its name, so the next creation of the stack may not ask for the
 * same one. Every retained resource either lets CloudFormation generate its name or has one that
 * includes the stack's id, which differs for every creation of a stack.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Vendor, VideoWebhookIngestion, type VideoWebhookIngestionProps } from '../../lib';
import { ACCOUNT, exampleStack, largeStack, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate, type TemplateResource } from '../support/template-values';

function ingestionStack(props: Partial<VideoWebhookIngestionProps> = {}): { stack: Stack; ingestion: VideoWebhookIngestion } {
  const stack = new Stack(new App(), 'Retained', { env: { account: ACCOUNT, region: REGION } });
  const ingestion = new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'SyncWebhook') })], ...props });
  return { stack, ingestion };
}

type Retained = TemplateResource & { DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Top-level properties that name a resource (QueueName, TableName, LogGroupName, Name, FunctionName, RoleName, TopicName, ...). */
const physicalNames = (r: TemplateResource) => Object.entries(r.Properties ?? {}).filter(([key]) => /Name$/.test(key));

describe.each([
  ['the example app', () => exampleStack().stack],
  ['the large app', () => largeStack().stack],
  ['an app with removalPolicy RETAIN', () => ingestionStack({ removalPolicy: RemovalPolicy.RETAIN }).stack],
])('in %s', (_name, build) => {
  const template = Template.fromStack(build()).toJSON() as SynthTemplate;
  const retained = Object.entries(template.Resources as Record<string, Retained>).filter(([, r]) => r.DeletionPolicy === 'Retain' || r.UpdateReplacePolicy === 'Retain');

  it('retains resources (the table, the DLQ, the quarantine, the log groups)', () => {
    expect(retained.length).toBeGreaterThan(3);
  });

  it('gives every retained resource a generated name or one with the stack id in it', () => {
    const fixed = retained.flatMap(([id, r]) => physicalNames(r).filter(([, value]) => !JSON.stringify(value).includes('AWS::StackId')).map(([key, value]) => `${id} ${key} ${JSON.stringify(value)}`));
    expect(fixed).toEqual([]);
  });
});

describe('names with the stack id', () => {
  it('keeps the access-log group under /aws/vendedlogs/ (no statement per log group in the account\'s CloudWatch Logs resource policy), unique to each creation of the stack', () => {
    const { stack } = ingestionStack();
    const template = Template.fromStack(stack).toJSON() as SynthTemplate;
    const [, group] = Object.entries(template.Resources).find(([id]) => id.startsWith('WebhooksApiAccessLogs') && !id.includes('Filter'))!;
    const nameIn = (stackName: string) => new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName }).text(group.Properties?.LogGroupName);
    expect(nameIn('Retained')).toMatch(/^\/aws\/vendedlogs\/apigateway\/Retained-Webhooks-[A-F0-9]{8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Another creation of the stack (another stack id): another name.
    expect(nameIn('Retained')).not.toBe(nameIn('Retained2'));
    expect(template.Resources[Object.keys(template.Resources).find((id) => id.startsWith('WebhooksApiAccessLogs') && !id.includes('Filter'))!]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('names a retained events queue with the stack id, within SQS\'s 80 characters, and lets its DLQ allow redrive from it alone', () => {
    const { stack, ingestion } = ingestionStack({ removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack).toJSON() as SynthTemplate;
    const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: 'Retained' });
    const queue = template.Resources[stack.getLogicalId(ingestion.queue.node.defaultChild as sqs.CfnQueue)];
    const dlq = template.Resources[stack.getLogicalId(ingestion.deadLetterQueue!.node.defaultChild as sqs.CfnQueue)];
    const name = values.text(queue.Properties?.QueueName);
    expect(name).toMatch(/^[A-Za-z0-9_-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.fifo$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(JSON.parse(values.text(JSON.stringify(values.resolve(dlq.Properties?.RedriveAllowPolicy))))).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`],
    });
  });

  it('keeps the events queue name fixed when it is deleted with the stack (the default)', () => {
    const { stack, ingestion } = ingestionStack();
    const queue = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(ingestion.queue.node.defaultChild as sqs.CfnQueue)];
    expect(queue.Properties.QueueName).toMatch(/^Retained-Webhooks-Events-[A-F0-9]{8}\.fifo$/);
    expect(queue.DeletionPolicy).toBe('Delete');
  });

  it('warns when a name you chose is on a retained resource: the next creation of the stack would find it taken', () => {
    const { stack } = ingestionStack({ queue: { queueName: 'video-events.fifo', removalPolicy: RemovalPolicy.RETAIN }, table: { tableName: 'video-jobs' } });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('*', Match.stringLikeRegexp('queueName "video-events.fifo" is fixed and the events queue is retained when the stack is deleted'));
    annotations.hasWarning('*', Match.stringLikeRegexp('tableName "video-jobs" is fixed and the table is retained when the stack is deleted'));
    Annotations.fromStack(ingestionStack({ queue: { queueName: 'video-events.fifo' } }).stack).hasNoWarning('*', Match.stringLikeRegexp('is fixed and'));
  });
});
