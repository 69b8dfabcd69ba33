import { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_MAX_MESSAGE_BYTES } from '../lambda/contract/aws-limits';
import { grantReceiveAndDelete, grantSendMessage } from './private/grants';
import { assertFifo, rejectWithExisting } from './validation';

/** Properties of the quarantine queue (all optional). */
export interface WebhookQuarantineQueueProps {
  /**
   * How long a quarantined request is kept.
   *
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly retentionPeriod?: Duration;

  /**
   * Customer-managed KMS key.
   *
   * @default - SQS-managed server-side encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * @default RemovalPolicy.RETAIN: quarantined requests are data, kept when the stack is deleted, like the table
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Use this FIFO queue as the quarantine instead of creating one. None of the new-queue
   * properties may be set with it.
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

  constructor(scope: Construct, id: string, props: WebhookQuarantineQueueProps = {}) {
    super(scope, id);
    if (props.existingQueue) {
      rejectWithExisting('existingQueue', props, ['retentionPeriod', 'encryptionKey', 'removalPolicy']);
      assertFifo(this, 'existingQueue', props.existingQueue);
      this.queue = props.existingQueue;
      return;
    }
    this.queue = new sqs.Queue(this, 'Resource', {
      fifo: true,
      contentBasedDeduplication: false,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      // SQS's largest message (1 MiB): an event carries the vendor payload, a quarantined request its base64 body.
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    });
  }

  /** Lets the grantee put requests into quarantine: SendMessage (and the queue's key). */
  grantQuarantine(grantee: iam.IGrantable): iam.Grant {
    return grantSendMessage(this.queue, grantee);
  }

  /** Lets a replay tool read and delete quarantined requests: ReceiveMessage and DeleteMessage (and the queue's key). */
  grantReplay(grantee: iam.IGrantable): iam.Grant {
    return grantReceiveAndDelete(this.queue, grantee);
  }

  /** Quarantined requests waiting (maximum over 5 minutes). */
  metricDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }
}
