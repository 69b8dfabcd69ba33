import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_MAX_MESSAGE_BYTES } from '../lambda/contract/aws-limits';
import { DEFAULTS } from '../lambda/contract/deployment';
import { grantSendMessage } from './private/grants';
import { stackGuid } from './private/names';
import { assertFifo, rejectWithExisting, validateInteger, validationError, warnFixedNameRetained } from './private/validate';

/** Properties of the events queue (all optional). */
export interface WebhookEventQueueProps {
  /**
   * Physical name of the events queue; must end with `.fifo`. The queue needs a known name so its
   * dead-letter queue can allow redrive from it alone (see README, "Why a fixed queue name").
   *
   * @default - a name unique to this construct's path, ending with `.fifo`; a retained queue's also
   * carries the stack id's GUID, so that creating the stack again after a delete finds it free
   */
  readonly queueName?: string;

  /**
   * Receives of a message by consumers before it moves to the dead-letter queue (1 to 1000). On this
   * FIFO queue a job's events received behind a failing one are received, and counted, each time it
   * is (see README, "Replay the dead-letter queue").
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * How long a message received by a consumer stays invisible. At least your consumers' function
   * timeout (AWS recommends 6 times it); while it runs, the message's job group waits.
   *
   * @default Duration.minutes(5)
   */
  readonly visibilityTimeout?: Duration;

  /**
   * How long an unconsumed event stays on the events queue.
   *
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;

  /**
   * An existing customer-managed KMS key to encrypt both queues with.
   *
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * FIFO high-throughput mode (deduplication and throughput limit per message group, i.e. per job).
   *
   * @default true
   */
  readonly highThroughput?: boolean;

  /**
   * Removal policy of both queues.
   *
   * @default - the dead-letter queue is retained (dead letters are data); the events queue, drained
   * by consumers, is destroyed (retained, its generated name carries the stack id's GUID, so that it
   * does not block creating the stack again)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * An existing FIFO queue to use as the events queue, instead of creating one: used as it is,
   * never changed. None of the new-queue properties may be set with it. Pass a queue imported with its KMS key (if any) so that grants
   * cover the key.
   *
   * @default - a new FIFO queue
   */
  readonly existingQueue?: sqs.IQueue;

  /**
   * The FIFO dead-letter queue of `existingQueue`, for the dead-letter alarm and metrics; or, without
   * `existingQueue`, an existing FIFO queue the new events queue moves failed messages to.
   *
   * @default - a new FIFO dead-letter queue (none known when `existingQueue` is given alone)
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
}

/** Library defaults of the events queue. */
export const EVENT_QUEUE_DEFAULTS = {
  maxReceiveCount: DEFAULTS.maxReceiveCount,
  visibilityTimeout: Duration.minutes(5),
  retentionPeriod: Duration.days(14),
  deadLetterRetention: Duration.days(14),
} as const;

/**
 * The SQS FIFO queue the normalized events go to (group `vendor#jobId`, deduplication id = event
 * id), and its FIFO dead-letter queue, which allows redrive back to this queue only.
 */
export class WebhookEventQueue extends Construct {
  /** The events queue: consumers read from it. */
  readonly queue: sqs.IQueue;
  /** The dead-letter queue; undefined only when an existing queue is passed without its DLQ. */
  readonly deadLetterQueue: sqs.IQueue | undefined;
  /** Receives before a message moves to the DLQ; undefined for an existing queue. */
  readonly maxReceiveCount: number | undefined;
  /** The visibility timeout of a queue created here; undefined for an existing queue. */
  readonly visibilityTimeout: Duration | undefined;

  constructor(scope: Construct, id: string, props: WebhookEventQueueProps = {}) {
    super(scope, id);

    if (props.existingQueue) {
      rejectWithExisting(this, 'existingQueue', props, ['queueName', 'maxReceiveCount', 'visibilityTimeout', 'retentionPeriod', 'encryptionKey', 'highThroughput', 'removalPolicy']);
      assertFifo(this, 'existingQueue', props.existingQueue);
      if (props.existingDeadLetterQueue) assertFifo(this, 'existingDeadLetterQueue', props.existingDeadLetterQueue);
      this.queue = props.existingQueue;
      this.deadLetterQueue =
        props.existingDeadLetterQueue ?? (props.existingQueue instanceof sqs.Queue ? props.existingQueue.deadLetterQueue?.queue : undefined);
      this.maxReceiveCount = undefined;
      this.visibilityTimeout = undefined;
      return;
    }

    const maxReceiveCount = props.maxReceiveCount ?? EVENT_QUEUE_DEFAULTS.maxReceiveCount;
    validateInteger(this, 'maxReceiveCount', maxReceiveCount, 1, 1000, `default ${DEFAULTS.maxReceiveCount}`);
    if (props.existingDeadLetterQueue) assertFifo(this, 'existingDeadLetterQueue', props.existingDeadLetterQueue);
    // Dead letters are data: kept when the stack is deleted, like the table. The events queue is a
    // buffer that consumers drain, removed with the stack unless told otherwise.
    const queueRemoval = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const deadLetterRemoval = props.removalPolicy ?? RemovalPolicy.RETAIN;
    warnFixedNameRetained(this, 'queueName', props.queueName, 'events queue', queueRemoval);
    const queueName = props.queueName ?? generatedQueueName(this, queueRemoval);
    if (!Token.isUnresolved(queueName) && !/^[A-Za-z0-9_-]{1,75}\.fifo$/.test(queueName)) {
      throw validationError(this, `queueName "${queueName}" is invalid: use up to 75 letters, digits, "-" or "_" followed by ".fifo"`);
    }
    const highThroughput = props.highThroughput ?? true;
    const encryption = props.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    const common = { fifo: true, enforceSSL: true, ...encryption };

    // The DLQ allows redrive from the events queue only. Naming the events queue object here while
    // the events queue names the DLQ would be a reference cycle, so its ARN is built from its name.
    const sourceQueueArn = Stack.of(this).formatArn({ service: 'sqs', resource: queueName });
    const deadLetterQueue =
      props.existingDeadLetterQueue ??
      new sqs.Queue(this, 'DeadLetterQueue', {
        ...common,
        removalPolicy: deadLetterRemoval,
        retentionPeriod: EVENT_QUEUE_DEFAULTS.deadLetterRetention,
        maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
        redriveAllowPolicy: {
          redrivePermission: sqs.RedrivePermission.BY_QUEUE,
          sourceQueues: [sqs.Queue.fromQueueArn(this, 'SourceQueueRef', sourceQueueArn)],
        },
      });

    this.visibilityTimeout = props.visibilityTimeout ?? EVENT_QUEUE_DEFAULTS.visibilityTimeout;
    this.queue = new sqs.Queue(this, 'Resource', {
      ...common,
      removalPolicy: queueRemoval,
      queueName,
      contentBasedDeduplication: false, // the runtime sets MessageDeduplicationId = event id
      ...(highThroughput
        ? { deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID }
        : {}),
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? EVENT_QUEUE_DEFAULTS.retentionPeriod,
      // SQS's largest message (1 MiB): an event carries the vendor payload, a quarantined request its base64 body.
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
    });
    this.deadLetterQueue = deadLetterQueue;
    this.maxReceiveCount = maxReceiveCount;
  }

  /** Lets the grantee receive, delete and change visibility of events (and decrypt them). */
  grantConsumeEvents(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantConsumeMessages(grantee);
  }

  /** Lets the grantee send events: SendMessage (and the queue's key to encrypt them). */
  grantSendEvents(grantee: iam.IGrantable): iam.Grant {
    return grantSendMessage(this.queue, grantee);
  }

  /** Messages waiting in the dead-letter queue (maximum over 5 minutes). */
  metricDeadLetterDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.deadLetterQueue) {
      throw validationError(this, 'this events queue has no known dead-letter queue: pass existingDeadLetterQueue with existingQueue');
    }
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Age of the oldest event not yet consumed, in seconds (maximum over 5 minutes). */
  metricOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Events waiting to be consumed (maximum over 5 minutes). */
  metricQueueDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }
}

/**
 * A name unique to the construct's path. A queue CloudFormation keeps when the stack is deleted
 * also gets the stack id's GUID, which differs for every creation of the stack, so that the next
 * one does not find its name taken ("already exists"): 38 characters, a hyphen, the 36 of the GUID
 * and `.fifo` make SQS's 80 at most
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
function generatedQueueName(scope: Construct, removalPolicy: RemovalPolicy): string {
  if (removalPolicy === RemovalPolicy.DESTROY) return `${Names.uniqueResourceName(scope, { maxLength: 75, separator: '-' })}.fifo`;
  return `${Names.uniqueResourceName(scope, { maxLength: 38, separator: '-' })}-${stackGuid()}.fifo`;
}
