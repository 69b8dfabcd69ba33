/**
 * SQS as AWS enforces it, in front of fauxqs: the documented limits of the calls this project makes
 * (SendMessage, SendMessageBatch, ReceiveMessage, ChangeMessageVisibility, CreateQueue), answered
 * with SQS's error codes; message bodies fauxqs would refuse though SQS accepts them (astral
 * characters such as emoji) carried through it intact: fauxqs stores a reference, the layer keeps
 * the body and gives it back on ReceiveMessage, MD5 digests included; deduplication per message
 * group on a queue whose `DeduplicationScope` says so (strict-sqs-dedup.ts); and a FIFO queue's send
 * rate, per queue or per message group in high-throughput mode (strict-sqs-throughput.ts).
 */
import { createHash } from 'node:crypto';
import {
  batchProblem,
  createQueueProblem,
  messageBytes,
  messageProblem,
  rangeProblem,
  receiveProblem,
  sizeProblem,
  SQS_VISIBILITY_TIMEOUT_SECONDS,
  type OneMessage,
} from './strict-sqs-rules';
import { letThrough, type Admission, type AwsRejection, type StrictService, type UpstreamCall } from './strict-service';
import { GroupScopedDeduplication, type QueueFacts } from './strict-sqs-dedup';
import { FifoSendRate } from './strict-sqs-throughput';

/** The strict rules of SQS (AWS JSON protocol, `X-Amz-Target: AmazonSQS.<action>`). */
export function strictSqs(options: { readonly now?: () => number } = {}): StrictService {
  const kept = new KeptBodies();
  const scoped = new GroupScopedDeduplication();
  const rate = new FifoSendRate(options.now);
  const queueFacts = new Map<string, QueueFacts>();
  // The caller's own upstream: its headers sign the layer's reads of queue attributes.
  const layer = (upstream: UpstreamCall): Layer => ({ kept, scoped, rate, factsOf: (url) => factsOf(url, queueFacts, upstream) });
  return {
    targetPrefix: 'AmazonSQS.',
    async admit(action, input, upstream) {
      switch (action) {
        case 'SendMessage':
          return admitSend(input, layer(upstream));
        case 'SendMessageBatch':
          return admitSendBatch(input, layer(upstream));
        case 'ReceiveMessage':
          // Decided on the answer, not the request: a long poll may return a message sent after it began.
          return (
            receiveProblem(input) ?? {
              rewrites: (raw) => raw.includes(KEPT_TAG) || scoped.appearsIn(raw),
              rewriteOutput: (output) => kept.restoreReceived(restoreDeduplicationIds(output, scoped)),
            }
          );
        case 'ChangeMessageVisibility':
          return rangeProblem('VisibilityTimeout', input.VisibilityTimeout, SQS_VISIBILITY_TIMEOUT_SECONDS, true) ?? letThrough();
        case 'CreateQueue':
          queueFacts.clear();
          return createQueueProblem(input) ?? letThrough();
        case 'SetQueueAttributes':
        case 'DeleteQueue':
          queueFacts.clear();
          return letThrough();
        default:
          return letThrough();
      }
    },
    // fauxqs's read-only queue inspection (GET /_fauxqs/queues/<name>): the bodies kept here, given back.
    passThrough: (method, path) =>
      method === 'GET' && path.startsWith('/_fauxqs/queues/') ? { rewrites: (raw) => raw.includes(KEPT_TAG), rewriteOutput: (output) => kept.restoreInspected(output) } : undefined,
    emulatorErrorHeaders: (headers) => {
      const header = headers['x-amzn-query-error'];
      return typeof header === 'string' ? { ...headers, 'x-amzn-query-error': queryErrorAsAws(header) } : headers;
    },
    errorAnswer: (rejection) => ({
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${queryCode(rejection.code)};Sender` },
      body: { __type: `com.amazonaws.sqs#${rejection.code}`, message: rejection.message },
    }),
  };
}

/**
 * The SQS error codes that carry the `AWS.SimpleQueueService.` prefix in `x-amzn-query-error` (the
 * SDK's model, `awsQueryError`); fauxqs puts it before every code, so the SDK would name its
 * `InvalidParameterValue` `AWS.SimpleQueueService.InvalidParameterValue`. The rest lose it here.
 */
const PREFIXED_QUERY_CODES = new Set([
  'BatchEntryIdsNotDistinct',
  'BatchRequestTooLong',
  'EmptyBatchRequest',
  'InvalidBatchEntryId',
  'MessageNotInflight',
  'NonExistentQueue',
  'PurgeQueueInProgress',
  'QueueDeletedRecently',
  'TooManyEntriesInBatchRequest',
  'UnsupportedOperation',
]);

/** The code SQS puts in `x-amzn-query-error` for an error, from which the SDK names its exception. */
function queryCode(code: string): string {
  return PREFIXED_QUERY_CODES.has(code) ? `AWS.SimpleQueueService.${code}` : code;
}

function queryErrorAsAws(header: string): string {
  const match = /^AWS\.SimpleQueueService\.([^;]+)(;.*)?$/.exec(header);
  return match && !PREFIXED_QUERY_CODES.has(match[1]) ? `${match[1]}${match[2] ?? ''}` : header;
}

/** What the send checks use: the kept bodies, the per-group deduplication, the queues' attributes. */
interface Layer {
  readonly kept: KeptBodies;
  readonly scoped: GroupScopedDeduplication;
  readonly rate: FifoSendRate;
  readonly factsOf: (queueUrl: string) => Promise<QueueFacts | undefined>;
}

async function admitSend(input: Record<string, unknown>, layer: Layer): Promise<AwsRejection | Admission> {
  const queueUrl = String(input.QueueUrl ?? '');
  const problem = messageProblem(input, queueUrl) ?? sizeProblem(messageBytes(input));
  if (problem) return problem;
  const body = input.MessageBody as string;
  const stored = layer.kept.store(body);
  if (stored === body && !isFifo(queueUrl)) return letThrough();
  const facts = await layer.factsOf(queueUrl);
  // fauxqs sees the reference, not the body: the queue's own size limit is checked here.
  if (stored !== body && facts?.maxBytes !== undefined && messageBytes(input) > facts.maxBytes) return sizeProblem(messageBytes(input), facts.maxBytes) as AwsRejection;
  const throttled = isFifo(queueUrl) ? layer.rate.admit(queueUrl, facts, [String(input.MessageGroupId)]) : undefined;
  if (throttled) return throttled;
  const deduplicationId = layer.scoped.idFor(facts, input, body);
  if (stored === body && deduplicationId === input.MessageDeduplicationId) return letThrough();
  return {
    input: { ...input, MessageBody: stored, MessageDeduplicationId: deduplicationId },
    ...(stored !== body ? { rewriteOutput: (output: unknown) => ({ ...(output as object), MD5OfMessageBody: md5(body) }) } : {}),
  };
}

async function admitSendBatch(input: Record<string, unknown>, layer: Layer): Promise<AwsRejection | Admission> {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Array<OneMessage & { Id?: unknown }>) : [];
  const queueUrl = String(input.QueueUrl ?? '');
  const problem = batchProblem(entries);
  if (problem) return problem;
  const failed: Array<{ Id: string; SenderFault: true; Code: string; Message: string }> = [];
  const originals = new Map<string, string>();
  const keepsAny = entries.some((e) => typeof e.MessageBody === 'string' && layer.kept.wouldKeep(e.MessageBody));
  const facts = keepsAny || isFifo(queueUrl) ? await layer.factsOf(queueUrl) : undefined;
  const max = keepsAny ? facts?.maxBytes : undefined;
  let rescoped = false;
  const forwarded = entries.flatMap((entry) => {
    const id = String(entry.Id);
    const bytes = messageBytes(entry);
    const entryProblem = messageProblem(entry, queueUrl) ?? sizeProblem(bytes, max);
    if (entryProblem) {
      failed.push({ Id: id, SenderFault: true, Code: entryProblem.code, Message: entryProblem.message });
      return [];
    }
    const body = entry.MessageBody as string;
    const stored = layer.kept.store(body);
    const deduplicationId = layer.scoped.idFor(facts, entry, body);
    if (stored !== body) originals.set(id, body);
    if (deduplicationId !== entry.MessageDeduplicationId) rescoped = true;
    return [{ ...entry, MessageBody: stored, MessageDeduplicationId: deduplicationId }];
  });
  // One transaction for the rate, for the queue or for each group it writes to (strict-sqs-throughput.ts).
  const throttled = isFifo(queueUrl) && forwarded.length > 0 ? layer.rate.admit(queueUrl, facts, forwarded.map((e) => String(e.MessageGroupId))) : undefined;
  if (throttled) return throttled;
  if (failed.length === 0 && originals.size === 0 && !rescoped) return letThrough();
  const rewriteOutput = (output: unknown) => {
    const out = output as { Successful?: Array<{ Id: string; MD5OfMessageBody?: string }>; Failed?: unknown[] };
    const successful = (out.Successful ?? []).map((s) => (originals.has(s.Id) ? { ...s, MD5OfMessageBody: md5(originals.get(s.Id) as string) } : s));
    return { ...out, Successful: successful, Failed: [...(out.Failed ?? []), ...failed] };
  };
  if (forwarded.length === 0) return { answer: rewriteOutput({ Successful: [], Failed: [] }) };
  return { input: { ...input, Entries: forwarded }, rewriteOutput };
}

const isFifo = (queueUrl: string) => queueUrl.endsWith('.fifo');

/**
 * A queue's MaximumMessageSize, DeduplicationScope, ContentBasedDeduplication and FifoThroughputLimit, read from fauxqs
 * once (the cache is emptied when any queue is created, changed or deleted).
 */
async function factsOf(queueUrl: string, cache: Map<string, QueueFacts>, upstream: UpstreamCall): Promise<QueueFacts | undefined> {
  const cached = cache.get(queueUrl);
  if (cached !== undefined) return cached;
  const names = ['MaximumMessageSize', 'DeduplicationScope', 'ContentBasedDeduplication', 'FifoThroughputLimit'];
  const { status, output } = await upstream('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: names });
  if (status !== 200) return undefined; // no such queue: fauxqs answers the send itself
  const attributes = (output as { Attributes?: Record<string, string> } | undefined)?.Attributes ?? {};
  const max = Number(attributes.MaximumMessageSize);
  const facts: QueueFacts = {
    maxBytes: Number.isFinite(max) ? max : undefined,
    groupScoped: attributes.DeduplicationScope === 'messageGroup',
    contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
    highThroughput: attributes.DeduplicationScope === 'messageGroup' && attributes.FifoThroughputLimit === 'perMessageGroupId',
  };
  cache.set(queueUrl, facts);
  return facts;
}

/** A ReceiveMessage answer with each message's deduplication id as its sender gave it. */
function restoreDeduplicationIds(output: unknown, scoped: GroupScopedDeduplication): unknown {
  const messages = (output as { Messages?: Array<Record<string, unknown>> }).Messages;
  if (!Array.isArray(messages)) return output;
  return {
    ...(output as object),
    Messages: messages.map((m) => (m.Attributes ? { ...m, Attributes: scoped.restore(m.Attributes as Record<string, string>) } : m)),
  };
}

/**
 * Bodies fauxqs would refuse though SQS accepts them (astral characters: fauxqs checks UTF-16 code
 * units, so an emoji's surrogate pair fails its test). fauxqs stores a reference (a private-use
 * character, a tag and the body's SHA-256) and the body is kept here, for the life of the layer; a
 * body that itself starts with the reference prefix is kept too, so every reference is unambiguous.
 */
const KEPT_TAG = 'strict-local-aws:kept-body:';
const KEPT_PREFIX = `\uE000${KEPT_TAG}`;
const ASTRAL = /[\uD800-\uDFFF]/;

class KeptBodies {
  private readonly bodies = new Map<string, string>();

  wouldKeep(body: string): boolean {
    return ASTRAL.test(body) || body.startsWith(KEPT_PREFIX);
  }

  /** What fauxqs stores for `body`: the body itself, or a reference to it kept here. */
  store(body: string): string {
    if (!this.wouldKeep(body)) return body;
    const reference = `${KEPT_PREFIX}${sha256(body)}`;
    this.bodies.set(reference, body);
    return reference;
  }

  /** fauxqs's inspection of a queue with every reference replaced by its body (and its MD5). */
  restoreInspected(output: unknown): unknown {
    const messages = (output as { messages?: Record<string, unknown> }).messages;
    if (messages === null || typeof messages !== 'object') return output;
    const restore = (m: Record<string, unknown>) => {
      const body = typeof m.body === 'string' ? this.bodies.get(m.body) : undefined;
      return body === undefined ? m : { ...m, body, md5OfBody: md5(body) };
    };
    const list = (value: unknown) => (Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []);
    return {
      ...(output as object),
      messages: {
        ...messages,
        ready: list(messages.ready).map(restore),
        delayed: list(messages.delayed).map(restore),
        inflight: list(messages.inflight).map((entry) => ({ ...entry, message: restore((entry.message ?? {}) as Record<string, unknown>) })),
      },
    };
  }

  /** A ReceiveMessage answer with every reference replaced by its body, digests and content-based dedup ids recomputed. */
  restoreReceived(output: unknown): unknown {
    const messages = (output as { Messages?: Array<Record<string, unknown>> }).Messages;
    if (!Array.isArray(messages)) return output;
    return {
      ...(output as object),
      Messages: messages.map((m) => {
        const body = typeof m.Body === 'string' ? this.bodies.get(m.Body) : undefined;
        if (body === undefined) return m;
        const attributes = m.Attributes as Record<string, string> | undefined;
        const dedup = attributes?.MessageDeduplicationId === sha256(m.Body as string) ? { ...attributes, MessageDeduplicationId: sha256(body) } : attributes;
        return { ...m, Body: body, MD5OfBody: md5(body), ...(attributes ? { Attributes: dedup } : {}) };
      }),
    };
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
