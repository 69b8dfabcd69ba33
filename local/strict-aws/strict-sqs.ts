/**
 * SQS as AWS enforces it, in front of fauxqs: the documented limits of the calls this project makes
 * (SendMessage, SendMessageBatch, ReceiveMessage, ChangeMessageVisibility, CreateQueue), answered
 * with SQS's error codes; and message bodies fauxqs would refuse though SQS accepts them (astral
 * characters such as emoji) carried through it intact: fauxqs stores a reference, the layer keeps
 * the body and gives it back on ReceiveMessage, MD5 digests included.
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

/** The strict rules of SQS (AWS JSON protocol, `X-Amz-Target: AmazonSQS.<action>`). */
export function strictSqs(): StrictService {
  const kept = new KeptBodies();
  const queueMaxBytes = new Map<string, number>();
  return {
    targetPrefix: 'AmazonSQS.',
    async admit(action, input, upstream) {
      switch (action) {
        case 'SendMessage':
          return admitSend(input, kept, (url) => maxBytesOf(url, queueMaxBytes, upstream));
        case 'SendMessageBatch':
          return admitSendBatch(input, kept, (url) => maxBytesOf(url, queueMaxBytes, upstream));
        case 'ReceiveMessage':
          // Decided on the answer, not the request: a long poll may return a message sent after it began.
          return receiveProblem(input) ?? { rewrites: (raw) => raw.includes(KEPT_TAG), rewriteOutput: (output) => kept.restoreReceived(output) };
        case 'ChangeMessageVisibility':
          return rangeProblem('VisibilityTimeout', input.VisibilityTimeout, SQS_VISIBILITY_TIMEOUT_SECONDS, true) ?? letThrough();
        case 'CreateQueue':
          queueMaxBytes.clear();
          return createQueueProblem(input) ?? letThrough();
        case 'SetQueueAttributes':
        case 'DeleteQueue':
          queueMaxBytes.clear();
          return letThrough();
        default:
          return letThrough();
      }
    },
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

type MaxBytesOf = (queueUrl: string) => Promise<number | undefined>;

async function admitSend(input: Record<string, unknown>, kept: KeptBodies, maxBytesOf: MaxBytesOf): Promise<AwsRejection | Admission> {
  const queueUrl = String(input.QueueUrl ?? '');
  const problem = messageProblem(input, queueUrl) ?? sizeProblem(messageBytes(input));
  if (problem) return problem;
  const body = input.MessageBody as string;
  const stored = kept.store(body);
  if (stored === body) return letThrough();
  // fauxqs sees the reference, not the body: the queue's own size limit is checked here.
  const max = await maxBytesOf(queueUrl);
  if (max !== undefined && messageBytes(input) > max) return sizeProblem(messageBytes(input), max) as AwsRejection;
  return { input: { ...input, MessageBody: stored }, rewriteOutput: (output) => ({ ...(output as object), MD5OfMessageBody: md5(body) }) };
}

async function admitSendBatch(input: Record<string, unknown>, kept: KeptBodies, maxBytesOf: MaxBytesOf): Promise<AwsRejection | Admission> {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Array<OneMessage & { Id?: unknown }>) : [];
  const queueUrl = String(input.QueueUrl ?? '');
  const problem = batchProblem(entries);
  if (problem) return problem;
  const failed: Array<{ Id: string; SenderFault: true; Code: string; Message: string }> = [];
  const originals = new Map<string, string>();
  const max = entries.some((e) => typeof e.MessageBody === 'string' && kept.wouldKeep(e.MessageBody)) ? await maxBytesOf(queueUrl) : undefined;
  const forwarded = entries.flatMap((entry) => {
    const id = String(entry.Id);
    const bytes = messageBytes(entry);
    const entryProblem = messageProblem(entry, queueUrl) ?? sizeProblem(bytes, max);
    if (entryProblem) {
      failed.push({ Id: id, SenderFault: true, Code: entryProblem.code, Message: entryProblem.message });
      return [];
    }
    const body = entry.MessageBody as string;
    const stored = kept.store(body);
    if (stored === body) return [entry];
    originals.set(id, body);
    return [{ ...entry, MessageBody: stored }];
  });
  if (failed.length === 0 && originals.size === 0) return letThrough();
  const rewriteOutput = (output: unknown) => {
    const out = output as { Successful?: Array<{ Id: string; MD5OfMessageBody?: string }>; Failed?: unknown[] };
    const successful = (out.Successful ?? []).map((s) => (originals.has(s.Id) ? { ...s, MD5OfMessageBody: md5(originals.get(s.Id) as string) } : s));
    return { ...out, Successful: successful, Failed: [...(out.Failed ?? []), ...failed] };
  };
  if (forwarded.length === 0) return { answer: rewriteOutput({ Successful: [], Failed: [] }) };
  return { input: { ...input, Entries: forwarded }, rewriteOutput };
}

/** A queue's MaximumMessageSize, read from fauxqs once (the cache is emptied when any queue is created, changed or deleted). */
async function maxBytesOf(queueUrl: string, cache: Map<string, number>, upstream: UpstreamCall): Promise<number | undefined> {
  const cached = cache.get(queueUrl);
  if (cached !== undefined) return cached;
  const { status, output } = await upstream('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] });
  const max = Number((output as { Attributes?: { MaximumMessageSize?: string } } | undefined)?.Attributes?.MaximumMessageSize);
  if (status !== 200 || !Number.isFinite(max)) return undefined; // no such queue: fauxqs answers the send itself
  cache.set(queueUrl, max);
  return max;
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
