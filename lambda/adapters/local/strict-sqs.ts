/**
 * SQS as AWS enforces it, in front of fauxqs: the documented limits of the calls this project makes
 * (SendMessage, SendMessageBatch, ReceiveMessage, ChangeMessageVisibility, CreateQueue), answered
 * with SQS's error codes; and message bodies fauxqs would refuse though SQS accepts them (astral
 * characters such as emoji) carried through it intact: fauxqs stores a reference, the layer keeps
 * the body and gives it back on ReceiveMessage, MD5 digests included.
 */
import { createHash } from 'node:crypto';
import { letThrough, shown, type Admission, type AwsRejection, type StrictService, type UpstreamCall } from './strict-service';

/**
 * A message's size, body and attributes together, in bytes: "The maximum size is 1 MiB or 1,048,576
 * bytes" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html,
 * MessageBody); "All parts of the message attribute, including Name, Type, and Value, are part of
 * the message size restriction (1 MiB or 1,048,576 bytes)"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html).
 * A SendMessageBatch request is held to the same total.
 */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * The characters a message body (and a String attribute's value and type) may hold:
 * `#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`; "If a message contains
 * characters outside the allowed set, Amazon SQS rejects the message and returns an
 * InvalidMessageContents error" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 * U+FFFE and U+FFFF are outside it, as are lone surrogates.
 */
const DISALLOWED_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * MessageGroupId and MessageDeduplicationId: "The maximum length ... is 128 characters ... can contain
 * alphanumeric characters (a-z, A-Z, 0-9) and punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 */
export const SQS_MAX_FIFO_ID_CHARS = 128;
const FIFO_ID_CHARACTER = /[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

/**
 * Message attributes: "Each message can have up to 10 attributes"; a name of up to 256 characters,
 * `A-Z a-z 0-9 _ - .`, not starting with `AWS.` or `Amazon.` (any casing), not starting or ending
 * with a period, no two periods in a row; a type `String`, `Number` or `Binary` with an optional
 * `.label`, up to 256 characters; name, type and value not empty
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#message-attribute-components).
 * A Number "can have up to 38 digits of precision, and it can be between 10^-128 and 10^+126"
 * (same page, #message-attribute-data-types).
 */
export const SQS_MAX_MESSAGE_ATTRIBUTES = 10;
export const SQS_MAX_ATTRIBUTE_NAME_CHARS = 256;
export const SQS_MAX_ATTRIBUTE_TYPE_CHARS = 256;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..*)?$/s;
const NUMBER_MAX_DIGITS = 38;
const NUMBER_MIN_EXPONENT = -128;
const NUMBER_MAX_EXPONENT = 126;

/**
 * A batch holds at most 10 entries; a batch entry id "can have up to 80 characters ... alphanumeric
 * characters, hyphens (-), and underscores (_)"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 */
export const SQS_MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * ReceiveMessage: MaxNumberOfMessages "Valid values: 1 to 10", WaitTimeSeconds 0 to 20
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html);
 * a visibility timeout is 0 to 43,200 seconds (12 hours)
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
 * DelaySeconds: "Valid values: 0 to 900" (API_SendMessage.html).
 */
export const SQS_RECEIVE_MAX_MESSAGES = { min: 1, max: 10 } as const;
export const SQS_WAIT_TIME_SECONDS = { min: 0, max: 20 } as const;
export const SQS_VISIBILITY_TIMEOUT_SECONDS = { min: 0, max: 43_200 } as const;
export const SQS_DELAY_SECONDS = { min: 0, max: 900 } as const;

/**
 * A queue name "can have up to 80 characters"; "alphanumeric characters, hyphens (-), and underscores
 * (_)"; "A FIFO queue name must end with the .fifo suffix"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
export const SQS_MAX_QUEUE_NAME_CHARS = 80;
const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

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
    errorAnswer: (rejection) => ({
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${QUERY_ERROR_CODES[rejection.code] ?? rejection.code};Sender` },
      body: { __type: `com.amazonaws.sqs#${rejection.code}`, message: rejection.message },
    }),
  };
}

/** The legacy query-protocol code SQS puts in `x-amzn-query-error`, where it differs from the error's name (the SDK reads the name from it). */
const QUERY_ERROR_CODES: Readonly<Record<string, string>> = {
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
};

type MaxBytesOf = (queueUrl: string) => Promise<number | undefined>;

interface OneMessage {
  readonly MessageBody?: unknown;
  readonly MessageGroupId?: unknown;
  readonly MessageDeduplicationId?: unknown;
  readonly MessageAttributes?: unknown;
  readonly DelaySeconds?: unknown;
}

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

/** What AWS rejects in one message of SendMessage or SendMessageBatch (sizes apart). */
function messageProblem(message: OneMessage, queueUrl: string): AwsRejection | undefined {
  const fifo = queueUrl.endsWith('.fifo');
  return (
    bodyProblem(message.MessageBody) ??
    attributesProblem(message.MessageAttributes) ??
    (fifo && message.MessageGroupId === undefined ? missing('MessageGroupId', 'a FIFO queue needs a MessageGroupId on every message') : undefined) ??
    (message.MessageGroupId !== undefined ? fifoIdProblem('MessageGroupId', message.MessageGroupId) : undefined) ??
    (!fifo && message.MessageDeduplicationId !== undefined ? invalid(`MessageDeduplicationId is only for FIFO queues; ${shown(queueUrl)} is a standard queue: leave it out`) : undefined) ??
    (message.MessageDeduplicationId !== undefined ? fifoIdProblem('MessageDeduplicationId', message.MessageDeduplicationId) : undefined) ??
    (message.DelaySeconds !== undefined && fifo && message.DelaySeconds !== 0 ? invalid('DelaySeconds cannot be set per message on a FIFO queue: set it on the queue') : undefined) ??
    rangeProblem('DelaySeconds', message.DelaySeconds, SQS_DELAY_SECONDS, true)
  );
}

function bodyProblem(body: unknown): AwsRejection | undefined {
  if (typeof body !== 'string' || body.length === 0) return missing('MessageBody', 'send a body of at least one character');
  return characterProblem('the message body', body);
}

function characterProblem(what: string, text: string): AwsRejection | undefined {
  const bad = DISALLOWED_CHARACTER.exec(text);
  if (!bad) return undefined;
  const code = `U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    code: 'InvalidMessageContents',
    message: `strict local AWS: ${what} has ${code} at index ${bad.index}, a character SQS rejects: only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF are allowed (see API_SendMessage); remove or escape it`,
  };
}

function fifoIdProblem(name: 'MessageGroupId' | 'MessageDeduplicationId', value: unknown): AwsRejection | undefined {
  const text = typeof value === 'string' ? value : '';
  const chars = [...text];
  if (chars.length === 0 || chars.length > SQS_MAX_FIFO_ID_CHARS) {
    return invalid(`${name} ${shown(text)} is ${chars.length} characters; SQS takes 1 to ${SQS_MAX_FIFO_ID_CHARS}: shorten it (e.g. hash the long part)`);
  }
  const at = chars.findIndex((c) => !FIFO_ID_CHARACTER.test(c));
  if (at >= 0) {
    return invalid(`${name} ${shown(text)} has ${JSON.stringify(chars[at])} at index ${at}, which SQS rejects: use only letters, digits and the punctuation !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ (no spaces, no other characters)`);
  }
  return undefined;
}

interface AttributeValue {
  readonly DataType?: unknown;
  readonly StringValue?: unknown;
  readonly BinaryValue?: unknown;
}

function attributesProblem(attributes: unknown): AwsRejection | undefined {
  if (attributes === undefined || attributes === null) return undefined;
  const entries = Object.entries(attributes as Record<string, AttributeValue>);
  if (entries.length > SQS_MAX_MESSAGE_ATTRIBUTES) {
    return invalid(`the message has ${entries.length} message attributes; SQS allows at most ${SQS_MAX_MESSAGE_ATTRIBUTES}: merge some or move them into the body`);
  }
  for (const [name, value] of entries) {
    const problem = attributeNameProblem(name) ?? attributeValueProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}

function attributeNameProblem(name: string): AwsRejection | undefined {
  const why =
    name.length === 0 || name.length > SQS_MAX_ATTRIBUTE_NAME_CHARS
      ? `is ${name.length} characters (1 to ${SQS_MAX_ATTRIBUTE_NAME_CHARS})`
      : !ATTRIBUTE_NAME.test(name)
        ? 'may hold only letters, digits, _, - and .'
        : /^(aws|amazon)\./i.test(name)
          ? 'starts with a prefix SQS reserves (AWS. or Amazon.)'
          : name.startsWith('.') || name.endsWith('.') || name.includes('..')
            ? 'may not start or end with a period or hold two in a row'
            : undefined;
  return why ? invalid(`message attribute name ${shown(name)} ${why}: rename it`) : undefined;
}

function attributeValueProblem(name: string, value: AttributeValue): AwsRejection | undefined {
  const type = typeof value?.DataType === 'string' ? value.DataType : '';
  if (!ATTRIBUTE_TYPE.test(type) || type.length > SQS_MAX_ATTRIBUTE_TYPE_CHARS) {
    return invalid(`message attribute ${shown(name)} has type ${shown(type)}: use String, Number or Binary, optionally with a .label, at most ${SQS_MAX_ATTRIBUTE_TYPE_CHARS} characters`);
  }
  const typeCharacters = characterProblem(`the type of message attribute ${shown(name)}`, type);
  if (typeCharacters) return typeCharacters;
  if (type.startsWith('Binary')) {
    return typeof value.BinaryValue === 'string' && value.BinaryValue.length > 0 ? undefined : invalid(`message attribute ${shown(name)} of type ${type} needs a non-empty BinaryValue`);
  }
  if (typeof value.StringValue !== 'string' || value.StringValue.length === 0) return invalid(`message attribute ${shown(name)} of type ${type} needs a non-empty StringValue`);
  if (type.startsWith('Number')) return numberProblem(name, value.StringValue);
  return characterProblem(`the value of message attribute ${shown(name)}`, value.StringValue);
}

function numberProblem(name: string, text: string): AwsRejection | undefined {
  const match = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || `${match[1]}${match[2] ?? ''}`.length === 0) return invalid(`message attribute ${shown(name)} of type Number holds ${shown(text)}, which is not a number`);
  const digits = `${match[1]}${match[2] ?? ''}`;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length === 0) return undefined; // zero
  if (significant.length > NUMBER_MAX_DIGITS) return invalid(`message attribute ${shown(name)} holds ${significant.length} significant digits; SQS keeps at most ${NUMBER_MAX_DIGITS}: round it or send it as a String`);
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  const exponent = match[1].length - leadingZeros - 1 + Number(match[3] ?? 0);
  if (exponent < NUMBER_MIN_EXPONENT || exponent > NUMBER_MAX_EXPONENT) {
    return invalid(`message attribute ${shown(name)} holds ${shown(text)}, outside 10^${NUMBER_MIN_EXPONENT} to 10^+${NUMBER_MAX_EXPONENT}: send it as a String`);
  }
  return undefined;
}

/** The size SQS counts: body and every attribute's name, type and value, in UTF-8 bytes (Binary: raw bytes). */
export function messageBytes(message: OneMessage): number {
  let bytes = typeof message.MessageBody === 'string' ? Buffer.byteLength(message.MessageBody, 'utf8') : 0;
  for (const [name, value] of Object.entries((message.MessageAttributes ?? {}) as Record<string, AttributeValue>)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(String(value?.DataType ?? ''), 'utf8');
    if (typeof value?.StringValue === 'string') bytes += Buffer.byteLength(value.StringValue, 'utf8');
    if (typeof value?.BinaryValue === 'string') bytes += Buffer.byteLength(value.BinaryValue, 'base64');
  }
  return bytes;
}

function sizeProblem(bytes: number, queueMaxBytes = SQS_MAX_MESSAGE_BYTES): AwsRejection | undefined {
  const max = Math.min(queueMaxBytes, SQS_MAX_MESSAGE_BYTES);
  if (bytes <= max) return undefined;
  return invalid(`the message is ${bytes} bytes (body and attributes, in UTF-8); SQS takes at most ${max} bytes${max < SQS_MAX_MESSAGE_BYTES ? ' on this queue (MaximumMessageSize)' : ''}: make it smaller, or store the payload elsewhere and send a reference`);
}

function batchProblem(entries: ReadonlyArray<OneMessage & { Id?: unknown }>): AwsRejection | undefined {
  if (entries.length === 0) return { code: 'EmptyBatchRequest', message: 'strict local AWS: SendMessageBatch needs at least one entry' };
  if (entries.length > SQS_MAX_BATCH_ENTRIES) {
    return { code: 'TooManyEntriesInBatchRequest', message: `strict local AWS: SendMessageBatch has ${entries.length} entries; SQS takes at most ${SQS_MAX_BATCH_ENTRIES}: split the batch` };
  }
  const bad = entries.find((e) => typeof e.Id !== 'string' || !BATCH_ENTRY_ID.test(e.Id));
  if (bad) return { code: 'InvalidBatchEntryId', message: `strict local AWS: batch entry id ${shown(String(bad.Id))} must be 1 to 80 letters, digits, - or _` };
  if (new Set(entries.map((e) => e.Id)).size !== entries.length) return { code: 'BatchEntryIdsNotDistinct', message: 'strict local AWS: two batch entries share an Id: give each its own' };
  const total = entries.reduce((sum, e) => sum + messageBytes(e), 0);
  if (total > SQS_MAX_MESSAGE_BYTES) {
    return { code: 'BatchRequestTooLong', message: `strict local AWS: the batch is ${total} bytes in all; SQS takes at most ${SQS_MAX_MESSAGE_BYTES} per request: send fewer or smaller messages` };
  }
  return undefined;
}

function receiveProblem(input: Record<string, unknown>): AwsRejection | undefined {
  return (
    rangeProblem('MaxNumberOfMessages', input.MaxNumberOfMessages, SQS_RECEIVE_MAX_MESSAGES, true) ??
    rangeProblem('WaitTimeSeconds', input.WaitTimeSeconds, SQS_WAIT_TIME_SECONDS, true) ??
    rangeProblem('VisibilityTimeout', input.VisibilityTimeout, SQS_VISIBILITY_TIMEOUT_SECONDS, true)
  );
}

function createQueueProblem(input: Record<string, unknown>): AwsRejection | undefined {
  const name = typeof input.QueueName === 'string' ? input.QueueName : '';
  const fifo = (input.Attributes as Record<string, unknown> | undefined)?.FifoQueue === 'true';
  const stem = fifo && name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
  if (fifo && !name.endsWith('.fifo')) return invalid(`queue name ${shown(name)} is for a FIFO queue: end it with .fifo`);
  if (name.length > SQS_MAX_QUEUE_NAME_CHARS || !QUEUE_NAME.test(stem)) {
    return invalid(`queue name ${shown(name)} must be 1 to ${SQS_MAX_QUEUE_NAME_CHARS} characters: letters, digits, - and _ (and .fifo at the end of a FIFO queue's)`);
  }
  return undefined;
}

function rangeProblem(name: string, value: unknown, range: { readonly min: number; readonly max: number }, optional: boolean): AwsRejection | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return undefined;
  return invalid(`${name} ${JSON.stringify(value)} is out of range: SQS takes an integer from ${range.min} to ${range.max}`);
}

function invalid(message: string): AwsRejection {
  return { code: 'InvalidParameterValue', message: `strict local AWS: ${message}` };
}

function missing(name: string, hint: string): AwsRejection {
  return { code: 'MissingParameter', message: `strict local AWS: the request must contain the parameter ${name}: ${hint}` };
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
