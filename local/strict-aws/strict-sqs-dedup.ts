/**
 * Deduplication per message group, as SQS does it on a FIFO queue in high-throughput mode, in
 * front of fauxqs, which deduplicates per queue whatever the queue's `DeduplicationScope`. With
 * `DeduplicationScope` `messageGroup`, deduplication "occurs at the ... message group level"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/enable-high-throughput-fifo.html):
 * the same deduplication id in two groups is two messages. So fauxqs is sent an id that names the
 * group too, and a received message gets back the id its sender gave (or, with content-based
 * deduplication, the body's SHA-256, as SQS computes it).
 */
import { createHash } from 'node:crypto';

/** What the layer knows of a queue (read from fauxqs once; see strict-sqs.ts). */
export interface QueueFacts {
  readonly maxBytes: number | undefined;
  /** `DeduplicationScope` is `messageGroup`. */
  readonly groupScoped: boolean;
  readonly contentBasedDeduplication: boolean;
  /** High-throughput mode: `DeduplicationScope` `messageGroup` and `FifoThroughputLimit` `perMessageGroupId` (see strict-sqs-throughput.ts). */
  readonly highThroughput: boolean;
}

const SCOPED_TAG = 'strict-local-aws:group-scoped:';

export class GroupScopedDeduplication {
  private readonly originals = new Map<string, string>();

  /**
   * The deduplication id fauxqs is sent for a message: the sender's, unless the queue deduplicates
   * per group, when it is one id per (group, deduplication id). `body` is the body as sent.
   */
  idFor(queue: QueueFacts | undefined, message: { readonly MessageGroupId?: unknown; readonly MessageDeduplicationId?: unknown }, body: string): unknown {
    if (!queue?.groupScoped) return message.MessageDeduplicationId;
    const given = typeof message.MessageDeduplicationId === 'string' ? message.MessageDeduplicationId : undefined;
    const id = given ?? (queue.contentBasedDeduplication ? sha256(body) : undefined);
    if (id === undefined) return undefined; // fauxqs answers it as SQS does (no id, no content-based deduplication)
    const scoped = `${SCOPED_TAG}${sha256(`${String(message.MessageGroupId)}\0${id}`)}`;
    this.originals.set(scoped, id);
    return scoped;
  }

  /** Whether a raw ReceiveMessage answer holds an id this layer made. */
  appearsIn(raw: Buffer): boolean {
    return raw.includes(SCOPED_TAG);
  }

  /** A received message's system attributes with the sender's deduplication id back. */
  restore(attributes: Record<string, string> | undefined): Record<string, string> | undefined {
    const original = attributes?.MessageDeduplicationId !== undefined ? this.originals.get(attributes.MessageDeduplicationId) : undefined;
    return original === undefined ? attributes : { ...attributes, MessageDeduplicationId: original };
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
