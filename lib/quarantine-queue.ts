import { Annotations, Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_MAX_MESSAGE_BYTES } from '../lambda/contract/aws-limits';
import { SQS_MAX_POLICY_BYTES } from './private/deploy-limits';
import { grantReceiveAndDelete, grantSendMessage } from './private/grants';
import { DEPLOY_TIME_VALUE_BYTES, renderedJsonSize } from './private/rendered-size';
import { assertFifo, rejectWithExisting, validationError } from './private/validate';

/** Properties of the quarantine queue (all optional). */
export interface WebhookQuarantineQueueProps {
  /**
   * How long a quarantined request is kept.
   *
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly retentionPeriod?: Duration;

  /**
   * An existing customer-managed KMS key to encrypt the quarantine with.
   *
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * @default RemovalPolicy.RETAIN: quarantined requests are data, kept when the stack is deleted, like the table
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * An existing FIFO queue to use as the quarantine, instead of creating one: used as it is (its
   * policy is not set: see the `quarantineSenders` warning). None of the new-queue properties may
   * be set with it.
   *
   * @default - a new FIFO queue
   */
  readonly existingQueue?: sqs.IQueue;
}

/**
 * Where authenticated requests that could not be normalized go (the body is not JSON, or a
 * vendor changed its format): a FIFO queue holding the vendor, the reason, the headers the adapter
 * needs and the raw body, so that after an adapter fix each message can be fed through the
 * verifier again.
 *
 * It is a terminal holding queue, like a dead-letter queue, and deliberately has no dead-letter
 * queue of its own: nothing consumes it automatically, and with a receive limit, reading messages
 * in the SQS console (which counts as a receive) would move them away. SQS's own redrive
 * (StartMessageMoveTask) only moves messages from a dead-letter queue back to the queue they came
 * from, and quarantined requests did not come from a queue: replaying means normalizing them again,
 * which `grantReplay` allows a replay tool to do (VideoWebhookIngestion runs one in its poller:
 * see `grantReplayQuarantine`).
 */
export class WebhookQuarantineQueue extends Construct {
  readonly queue: sqs.IQueue;
  /** How long the queue keeps a quarantined request (undefined for an existing queue, whose retention cannot be read here). */
  readonly retentionPeriod?: Duration;

  /** The principals `grantQuarantine` was given: the only ones the queue policy lets send. */
  private readonly senders: string[] = [];

  constructor(scope: Construct, id: string, props: WebhookQuarantineQueueProps = {}) {
    super(scope, id);
    if (props.existingQueue) {
      rejectWithExisting(this, 'existingQueue', props, ['retentionPeriod', 'encryptionKey', 'removalPolicy']);
      assertFifo(this, 'existingQueue', props.existingQueue);
      this.queue = props.existingQueue;
      Annotations.of(this).addWarningV2('cdk-video-webhooks:quarantineSenders',
        'the existing quarantine queue\'s policy cannot be set from here: deny sqs:SendMessage to every principal but the verifier and poller roles (aws:PrincipalArn), or whoever may send there can make the replay publish events');
      return;
    }
    this.retentionPeriod = props.retentionPeriod ?? Duration.days(14);
    this.queue = new sqs.Queue(this, 'Resource', {
      fifo: true,
      contentBasedDeduplication: false,
      // High-throughput mode: 300 sends a second per message group, not per queue (a vendor's
      // requests are spread over QUARANTINE_GROUPS_PER_VENDOR groups), so a vendor's format change,
      // which quarantines every request the route admits, is not cut at 300 a second.
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      enforceSSL: true,
      retentionPeriod: this.retentionPeriod,
      // SQS's largest message (1 MiB): an event carries the vendor payload, a quarantined request its base64 body.
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    });
    // A quarantined request is replayed without being authenticated again (its signature is long
    // stale), so only the principals granted `grantQuarantine` may put one there. The account's
    // root user stays listed: it can change this policy anyway.
    const root = `arn:${Aws.PARTITION}:iam::${Stack.of(this).account}:root`;
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyGrantedSendersMayQuarantine',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => [root, ...this.senders] }) } },
      }),
    );
    // At validation, so that every grantQuarantine is counted.
    this.node.addValidation({ validate: () => this.policyProblems() });
  }

  /**
   * Lets the grantee put requests into quarantine: SendMessage (and the queue's key). The queue's
   * policy denies SendMessage to every other principal, so the grantee must be a role or a user
   * (a function with its role).
   */
  grantQuarantine(grantee: iam.IGrantable): iam.Grant {
    this.senders.push(senderArnOf(this, grantee));
    return grantSendMessage(this.queue, grantee);
  }

  /** Lets a replay tool read and delete quarantined requests: ReceiveMessage and DeleteMessage (and the queue's key). */
  grantReplay(grantee: iam.IGrantable): iam.Grant {
    return grantReceiveAndDelete(this.queue, grantee);
  }

  /**
   * The policy names every sender's ARN, and SQS refuses one over 8,192 bytes at deploy time. One
   * VideoWebhookIngestion stays well under it however many vendors a stack can hold (5,774 bytes at
   * 52 vendors, the most 500 resources allow, generated role names at their 64 characters).
   */
  private policyProblems(): string[] {
    const policy = this.node.findAll().find((c): c is sqs.CfnQueuePolicy => c instanceof sqs.CfnQueuePolicy);
    if (!policy) return [];
    const size = renderedJsonSize(Stack.of(this).resolve(policy.policyDocument));
    if (size.bytes <= SQS_MAX_POLICY_BYTES) return [];
    const counted = size.deployTime > 0 ? ` (${size.deployTime} values known only at deploy time counted as ${DEPLOY_TIME_VALUE_BYTES} bytes each)` : '';
    return [
      `the quarantine queue's policy would be about ${size.bytes} bytes${counted}: SQS takes at most ${SQS_MAX_POLICY_BYTES} bytes; it names each of the ${this.senders.length} principals granted grantQuarantine: ` +
        'grant fewer principals (one role shared by the senders), or split the vendors over two VideoWebhookIngestion constructs in two stacks',
    ];
  }

  /** Quarantined requests waiting (maximum over 5 minutes). */
  metricDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }
}

/** The ARN `aws:PrincipalArn` has for the grantee's requests: its role's, or its user's. */
function senderArnOf(scope: Construct, grantee: iam.IGrantable): string {
  const principal = grantee.grantPrincipal as Partial<iam.IRole & iam.IUser>;
  const arn = principal.roleArn ?? principal.userArn;
  if (!arn) {
    throw validationError(scope, 'grantQuarantine needs a role or a user (a function with its role): the quarantine\'s policy lets only the principals granted send, and it can name no other kind');
  }
  return arn;
}
