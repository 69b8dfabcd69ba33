/**
 * The send rate SQS allows a FIFO queue, in front of fauxqs, which takes any rate. As AWS documents it:
 *
 * - Without high-throughput mode, "FIFO queues support 300 transactions per second, per API action
 *   for SendMessage, ReceiveMessage, and DeleteMessage. Requests over 300 TPS get the
 *   ThrottlingException error" (a batch of up to 10 messages is one transaction)
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/troubleshooting-fifo-throttling-issues.html).
 * - In high-throughput mode (`DeduplicationScope` `messageGroup` and `FifoThroughputLimit`
 *   `perMessageGroupId`; "If you change any of the settings required for using high throughput for
 *   FIFO queues, normal throughput is in effect",
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/enable-high-throughput-fifo.html)
 *   the quota is per partition: a message group's messages all go to the partition its id hashes to,
 *   and "each partition supports ... 300 TPS" for send, receive and delete
 *   (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned). So one group takes at most
 *   300 sends a second.
 *
 * Modelled here: SendMessage and SendMessageBatch, counted per queue (normal throughput) or per
 * message group (high throughput), over any one-second window, answered `RequestThrottled`: the
 * code the SQS API reference lists for SendMessage (the troubleshooting page above calls it
 * ThrottlingException; the SDK retries either as a throttling error).
 * Not modelled: several groups sharing one partition (SQS does not say how many partitions a queue
 * has), ReceiveMessage and DeleteMessage rates, the regional ceilings of high-throughput mode.
 */
import { SQS_FIFO_GROUP_SENDS_PER_SECOND } from '../../lambda/contract/aws-limits';
import type { AwsRejection } from './strict-service';
import type { QueueFacts } from './strict-sqs-dedup';

const WINDOW_MS = 1000;

export class FifoSendRate {
  /** Per queue or per (queue, group): when its admitted sends of the last second began, oldest first. */
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Admits one send transaction to a FIFO queue, which writes to these message groups (one for
   * SendMessage, the distinct groups of a batch), or says how SQS throttles it. Counts it when admitted.
   */
  admit(queueUrl: string, facts: QueueFacts | undefined, groups: readonly string[]): AwsRejection | undefined {
    if (!facts) return undefined; // no such queue: fauxqs answers the send itself
    const at = this.now();
    this.forgetIdle(at);
    const keys = facts.highThroughput ? [...new Set(groups)].map((g) => `${queueUrl}\0${g}`) : [queueUrl];
    for (const key of keys) {
      const times = this.live(key, at);
      if (times.length >= SQS_FIFO_GROUP_SENDS_PER_SECOND) {
        const scope = facts.highThroughput ? `message group ${JSON.stringify(key.slice(queueUrl.length + 1))} of ${queueUrl}` : `${queueUrl} (not in high-throughput mode)`;
        return {
          code: 'RequestThrottled',
          message: `strict local AWS: more than ${SQS_FIFO_GROUP_SENDS_PER_SECOND} send requests in one second to ${scope}; SQS throttles a FIFO queue at ${SQS_FIFO_GROUP_SENDS_PER_SECOND} a second per queue, or per message group in high-throughput mode: spread the messages over more groups, batch them, or retry with backoff`,
        };
      }
    }
    for (const key of keys) this.live(key, at).push(at);
    return undefined;
  }

  private live(key: string, at: number): number[] {
    let times = this.recent.get(key);
    if (!times) this.recent.set(key, (times = []));
    while (times.length > 0 && times[0] <= at - WINDOW_MS) times.shift();
    return times;
  }

  /** Every job is a group: keys whose last send is over a second old are dropped once there are many. */
  private forgetIdle(at: number): void {
    if (this.recent.size < 10_000) return;
    for (const [key, times] of this.recent) if (times.length === 0 || times[times.length - 1] <= at - WINDOW_MS) this.recent.delete(key);
  }
}
