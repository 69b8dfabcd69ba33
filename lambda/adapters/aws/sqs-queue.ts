/** EventQueue and QuarantineQueue on SQS FIFO queues. */
import { createHash } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { SQS_GROUP_ID_PATTERN, SQS_MAX_FIFO_ID_CHARS } from '../../contract/aws-limits';
import { QUARANTINE_GROUPS_PER_VENDOR } from '../../contract/deployment';
import { sqsSafeJson } from '../../core/bounds';
import { jobKey } from '../../core/job-key';
import type { EventMessage, EventQueue, QuarantineMessage, QuarantineQueue } from '../../core/ports';
import type { QuarantineReceipt, QuarantineSource } from '../../core/quarantine-replay';

/**
 * FIFO group of a job's events: keeps one job's events in order, lets jobs flow in parallel. A
 * job key SQS would refuse as a group id (over 128 characters, or any character outside printable
 * ASCII, such as a space or an accent) is replaced by the vendor and a hash of the job id.
 */
export function messageGroupOf(vendor: string, jobId: string): string {
  const group = jobKey(vendor, jobId);
  return SQS_GROUP_ID_PATTERN.test(group) ? group : `${vendor}#sha256:${createHash('sha256').update(jobId).digest('hex')}`.slice(0, SQS_MAX_FIFO_ID_CHARS);
}

/**
 * FIFO group of a quarantined request: one of QUARANTINE_GROUPS_PER_VENDOR per vendor, chosen by the
 * request's hash (vendor and body), so that a vendor whose every request is quarantined is not held
 * to one group's 300 sends a second, and the same request always lands in the same group.
 */
export function quarantineGroupOf(vendor: string, requestHash: Buffer): string {
  return `quarantine#${vendor}#${requestHash.readUInt32BE(0) % QUARANTINE_GROUPS_PER_VENDOR}`;
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
    // The reason may quote the payload (an unknown status word): U+FFFE/U+FFFF written as escapes.
    const body = sqsSafeJson(JSON.stringify(message));
    const request = createHash('sha256').update(message.vendor).update('\0').update(message.bodyBase64);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageGroupId: quarantineGroupOf(message.vendor, request.copy().digest()),
        // The same request quarantined twice (a vendor retry) is kept once: it has the same group
        // (the queue deduplicates per group) and the same id. A replay's send-back is a new message
        // (it must not be dropped as a copy of the one it replaces), in the same group.
        MessageDeduplicationId: request.update(message.replayRunId ? `\0${message.replayRunId}\0${message.replays ?? 0}` : '').digest('hex'),
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

  /**
   * Long-polls (`waitSeconds` > 0): a short poll (0) samples only some of SQS's servers and may
   * answer empty while messages exist.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
   */
  async receive(max: number, waitSeconds: number): Promise<readonly QuarantineReceipt[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        VisibilityTimeout: this.visibilityTimeoutSeconds,
        WaitTimeSeconds: Math.min(20, Math.max(0, Math.floor(waitSeconds))),
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
