/**
 * The documented limits of the SQS calls this project makes, as named constants with their source,
 * and pure checks that answer what SQS would: a rejection with SQS's error code, or nothing. Used by
 * the strict local AWS (strict-sqs.ts).
 */
import { SQS_MAX_FIFO_ID_CHARS, SQS_MAX_MESSAGE_BYTES, SQS_RECEIVE_MAX_MESSAGES, SQS_VISIBILITY_TIMEOUT_SECONDS } from '../../lambda/contract/aws-limits';
import { shown, type AwsRejection } from './strict-service';

/**
 * A message's size, body and attributes together, is at most SQS_MAX_MESSAGE_BYTES (1 MiB, the
 * contract's one constant): "The maximum size is 1 MiB or 1,048,576 bytes"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html,
 * MessageBody); "All parts of the message attribute, including Name, Type, and Value, are part of
 * the message size restriction (1 MiB or 1,048,576 bytes)"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html).
 * A SendMessageBatch request is held to the same total.
 */
export { SQS_MAX_MESSAGE_BYTES, SQS_VISIBILITY_TIMEOUT_SECONDS };

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
export const SQS_WAIT_TIME_SECONDS = { min: 0, max: 20 } as const;
export const SQS_DELAY_SECONDS = { min: 0, max: 900 } as const;

/**
 * A queue name "can have up to 80 characters"; "alphanumeric characters, hyphens (-), and underscores
 * (_)"; "A FIFO queue name must end with the .fifo suffix"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
export const SQS_MAX_QUEUE_NAME_CHARS = 80;
const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

export interface OneMessage {
  readonly MessageBody?: unknown;
  readonly MessageGroupId?: unknown;
  readonly MessageDeduplicationId?: unknown;
  readonly MessageAttributes?: unknown;
  readonly DelaySeconds?: unknown;
}

/** What AWS rejects in one message of SendMessage or SendMessageBatch (sizes apart). */
export function messageProblem(message: OneMessage, queueUrl: string): AwsRejection | undefined {
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

export function sizeProblem(bytes: number, queueMaxBytes = SQS_MAX_MESSAGE_BYTES): AwsRejection | undefined {
  const max = Math.min(queueMaxBytes, SQS_MAX_MESSAGE_BYTES);
  if (bytes <= max) return undefined;
  return invalid(`the message is ${bytes} bytes (body and attributes, in UTF-8); SQS takes at most ${max} bytes${max < SQS_MAX_MESSAGE_BYTES ? ' on this queue (MaximumMessageSize)' : ''}: make it smaller, or store the payload elsewhere and send a reference`);
}

export function batchProblem(entries: ReadonlyArray<OneMessage & { Id?: unknown }>): AwsRejection | undefined {
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

export function receiveProblem(input: Record<string, unknown>): AwsRejection | undefined {
  return (
    rangeProblem('MaxNumberOfMessages', input.MaxNumberOfMessages, SQS_RECEIVE_MAX_MESSAGES, true) ??
    rangeProblem('WaitTimeSeconds', input.WaitTimeSeconds, SQS_WAIT_TIME_SECONDS, true) ??
    rangeProblem('VisibilityTimeout', input.VisibilityTimeout, SQS_VISIBILITY_TIMEOUT_SECONDS, true)
  );
}

export function createQueueProblem(input: Record<string, unknown>): AwsRejection | undefined {
  const name = typeof input.QueueName === 'string' ? input.QueueName : '';
  const fifo = (input.Attributes as Record<string, unknown> | undefined)?.FifoQueue === 'true';
  const stem = fifo && name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
  if (fifo && !name.endsWith('.fifo')) return invalid(`queue name ${shown(name)} is for a FIFO queue: end it with .fifo`);
  if (name.length > SQS_MAX_QUEUE_NAME_CHARS || !QUEUE_NAME.test(stem)) {
    return invalid(`queue name ${shown(name)} must be 1 to ${SQS_MAX_QUEUE_NAME_CHARS} characters: letters, digits, - and _ (and .fifo at the end of a FIFO queue's)`);
  }
  return undefined;
}

export function rangeProblem(name: string, value: unknown, range: { readonly min: number; readonly max: number }, optional: boolean): AwsRejection | undefined {
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

