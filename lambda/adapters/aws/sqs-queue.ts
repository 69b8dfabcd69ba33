/** EventQueue and QuarantineQueue on SQS FIFO queues. */
import { createHash } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { jobKey } from '../../core/job-key';
import type { EventMessage, EventQueue, QuarantineMessage, QuarantineQueue } from '../../core/ports';
import type { QuarantineReceipt, QuarantineSource } from '../../core/quarantine-replay';

/** FIFO group of a job's events: keeps one job's events in order, lets jobs flow in parallel. */
export function messageGroupOf(vendor: string, jobId: string): string {
  // Group ids are at most 128 characters; long job ids are hashed to stay inside it.
  const group = jobKey(vendor, jobId);
  return group.length <= 128 ? group : `${vendor}#sha256:${createHash('sha256').update(jobId).digest('hex')}`.slice(0, 128);
}

/**
 * An SQS client for the handlers. When an endpoint override is configured (`AWS_ENDPOINT_URL_SQS`
 * or `AWS_ENDPOINT_URL`, as for a local emulator), requests go there and not to the queue URL's
 * host, which emulators make up and which need not resolve.
 */
export function createSqsClient(config: SQSClientConfig = {}, env: NodeJS.ProcessEnv = process.env): SQSClient {
  const overridden = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
  return new SQSClient({ ...(overridden ? { useQueueUrlAsEndpoint: false } : {}), ...config });
}

export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: EventMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: message.body,
        MessageGroupId: messageGroupOf(message.vendor, message.jobId),
        MessageDeduplicationId: message.id,
        MessageAttributes: {
          'ce-type': { DataType: 'String', StringValue: message.type },
          'ce-source': { DataType: 'String', StringValue: message.source },
        },
      }),
    );
  }
}

export class SqsQuarantineQueue implements QuarantineQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: QuarantineMessage): Promise<void> {
    const body = JSON.stringify(message);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageGroupId: `quarantine#${message.vendor}`,
        // The same request quarantined twice (a vendor retry) is kept once; a replay's send-back
        // is a new message (it must not be dropped as a copy of the one it replaces).
        MessageDeduplicationId: createHash('sha256')
          .update(message.vendor)
          .update('\0')
          .update(message.bodyBase64)
          .update(message.replayRunId ? `\0${message.replayRunId}\0${message.replays ?? 0}` : '')
          .digest('hex'),
      }),
    );
  }
}

/** The quarantine read by a replay (core/quarantine-replay.ts). */
export class SqsQuarantineSource implements QuarantineSource {
  private readonly sender: SqsQuarantineQueue;

  /**
   * @param visibilityTimeoutSeconds how long a received message stays hidden; a message the run
   * could not finish reappears after it
   */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly visibilityTimeoutSeconds = 60,
  ) {
    this.sender = new SqsQuarantineQueue(client, queueUrl);
  }

  async receive(max: number): Promise<readonly QuarantineReceipt[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        VisibilityTimeout: this.visibilityTimeoutSeconds,
        WaitTimeSeconds: 0,
      }),
    );
    return (out.Messages ?? []).flatMap((m) => (m.Body !== undefined && m.ReceiptHandle ? [{ body: m.Body, handle: m.ReceiptHandle }] : []));
  }

  async delete(handle: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle }));
  }

  requeue(message: QuarantineMessage): Promise<void> {
    return this.sender.send(message);
  }
}
