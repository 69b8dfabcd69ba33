import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { WebhookEventQueue, WebhookQuarantineQueue } from '../../lib';

function stack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function queues(template: Template): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources('AWS::SQS::Queue') as Record<string, { Properties: Record<string, unknown> }>;
}

describe('WebhookEventQueue', () => {
  it('creates a FIFO events queue with a FIFO DLQ after 5 receives (AWS Lambda\'s advice for an SQS event source: at least 5), SSE, no content-based dedup, 14-day retention', () => {
    const s = stack();
    new WebhookEventQueue(s, 'Events');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      QueueName: Match.stringLikeRegexp('^TestStack-Events-[A-Z0-9]+\\.fifo$'),
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      VisibilityTimeout: 300,
      MaximumMessageSize: 1048576,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EventsDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      MaximumMessageSize: 1048576,
      RedrivePolicy: Match.absent(),
    });
  });

  it('lets the DLQ redrive back to the events queue only, by an ARN built from its name (no reference cycle)', () => {
    const s = stack();
    const q = new WebhookEventQueue(s, 'Events', { queueName: 'video-events.fifo' });
    const t = Template.fromStack(s);
    const dlqId = s.getLogicalId(q.deadLetterQueue!.node.defaultChild as sqs.CfnQueue);
    const dlq = queues(t)[dlqId].Properties;
    expect(dlq.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:eu-west-1:111111111111:video-events.fifo']] }],
    });
    // The DLQ must not reference the events queue resource (that would be a cycle).
    expect(JSON.stringify(dlq)).not.toContain(s.getLogicalId(q.queue.node.defaultChild as sqs.CfnQueue));
  });

  it('enforces TLS on both queues', () => {
    const s = stack();
    new WebhookEventQueue(s, 'Events');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    t.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('encrypts both queues with a customer-managed key when given', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    new WebhookEventQueue(s, 'Events', { encryptionKey: key, maxReceiveCount: 5, visibilityTimeout: Duration.minutes(2) });
    const t = Template.fromStack(s);
    t.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 120, RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) });
  });

  it.each([0, 1001, 2.5])('rejects maxReceiveCount %p with a message saying the range', (n) => {
    expect(() => new WebhookEventQueue(stack(), 'Events', { maxReceiveCount: n })).toThrow(
      new RegExp(`^TestStack/Events: maxReceiveCount ${n} is out of range: use a whole number from 1 to 1000`),
    );
  });

  it('rejects a queue name without .fifo', () => {
    expect(() => new WebhookEventQueue(stack(), 'Events', { queueName: 'events' })).toThrow(/queueName "events" is invalid: .*\.fifo/);
  });

  it('uses an existing FIFO queue and DLQ, creating nothing', () => {
    const s = stack();
    const existing = sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:mine.fifo');
    const existingDlq = sqs.Queue.fromQueueArn(s, 'D', 'arn:aws:sqs:eu-west-1:111111111111:mine-dlq.fifo');
    const q = new WebhookEventQueue(s, 'Events', { existingQueue: existing, existingDeadLetterQueue: existingDlq });
    expect(q.queue).toBe(existing);
    expect(q.deadLetterQueue).toBe(existingDlq);
    Template.fromStack(s).resourceCountIs('AWS::SQS::Queue', 0);
  });

  it('refuses an existing queue together with new-queue properties', () => {
    const s = stack();
    const existing = sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:mine.fifo');
    expect(() => new WebhookEventQueue(s, 'Events', { existingQueue: existing, maxReceiveCount: 4, queueName: 'x.fifo' })).toThrow(
      /^TestStack\/Events: existingQueue cannot be combined with queueName, maxReceiveCount: /,
    );
  });

  it('refuses an existing standard (non-FIFO) queue', () => {
    const s = stack();
    const existing = sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:eu-west-1:111111111111:standard');
    expect(() => new WebhookEventQueue(s, 'Events', { existingQueue: existing })).toThrow(
      'existingQueue arn:aws:sqs:eu-west-1:111111111111:standard is not a FIFO queue: pass a queue whose name ends with ".fifo"',
    );
  });

  it('grants consumers receive/delete on the events queue only', () => {
    const s = stack();
    const q = new WebhookEventQueue(s, 'Events');
    const role = new iam.Role(s, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    q.grantConsumeEvents(role);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
            Resource: { 'Fn::GetAtt': [s.getLogicalId(q.queue.node.defaultChild as sqs.CfnQueue), 'Arn'] },
          }),
        ],
      },
    });
  });
});

describe('WebhookQuarantineQueue', () => {
  it('creates a FIFO queue with 14-day retention, SSE and a TLS-only policy', () => {
    const s = stack();
    new WebhookQuarantineQueue(s, 'Quarantine');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('is in FIFO high-throughput mode (deduplication and throughput limit per message group), so a vendor\'s quarantine is not held to 300 sends a second', () => {
    const s = stack();
    new WebhookQuarantineQueue(s, 'Quarantine');
    Template.fromStack(s).hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
  });
});
