/**
 * What one event may carry, so that every accepted input becomes an event that fits one SQS
 * message, with keys SQS and DynamoDB accept. schema/video-job-event.schema.json states the same
 * bounds to consumers; test/core/bounds.test.ts proves that an event with every field at its bound
 * (each character the costliest to escape) fits.
 */
import { SQS_MAX_MESSAGE_BYTES } from '../contract/aws-limits';

export const EVENT_BOUNDS = Object.freeze({
  /**
   * A job id's UTF-8 bytes. Longer ids are quarantined: `vendor#jobId` then stays far inside
   * DynamoDB's 2,048-byte partition key, and the id's two copies (subject, data.jobId) are small.
   */
  jobIdBytes: 1024,
  /** stage, vendorEventType, vendorStatus and error.code, in characters; longer text is cut (ending in …). */
  textChars: 256,
  /** error.message, in characters; a longer message is cut (ending in …). */
  errorMessageChars: 4096,
  /** outputUrl, media.thumbnailUrl and the captions, in characters; a longer one is null (a cut URL is a wrong URL). `raw` still has it. */
  urlChars: 8192,
  /** `raw` as JSON, in UTF-8 bytes; a larger payload is replaced by a `RawOmitted` marker. */
  rawBytes: 720 * 1024,
});

/** The queue message's attributes (ce-type, ce-source): names, types and values, well under this. */
export const EVENT_ATTRIBUTE_BYTES_MAX = 512;

/** The largest event body the pipeline sends: SQS's message limit less the attributes. */
export const EVENT_MAX_BYTES = SQS_MAX_MESSAGE_BYTES - EVENT_ATTRIBUTE_BYTES_MAX;

/** Why a job id cannot be used as a key, or undefined when it can. */
export function jobIdProblem(jobId: string): string | undefined {
  if (jobId.length === 0) return 'job id is empty';
  // A lone surrogate has no UTF-8 form: DynamoDB would store U+FFFD and two ids would share a record.
  if (LONE_SURROGATE.test(jobId)) return 'job id is not well-formed Unicode (a lone surrogate)';
  const bytes = jobId.length <= EVENT_BOUNDS.jobIdBytes / 3 ? jobId.length : Buffer.byteLength(jobId, 'utf8');
  if (bytes > EVENT_BOUNDS.jobIdBytes) return `job id is ${bytes} bytes (at most ${EVENT_BOUNDS.jobIdBytes})`;
  return undefined;
}

/** With the u flag a surrogate pair is one code point: only a lone surrogate is in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Text cut to `max` characters (a surrogate pair is never split), ending in … when cut. */
export function boundText(text: string, max: number): string;
export function boundText(text: string | null, max: number): string | null;
export function boundText(text: string | null, max: number): string | null {
  if (text === null || text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A URL inside the bound, or null. */
export function boundUrl(url: string | null): string | null {
  return url !== null && url.length > EVENT_BOUNDS.urlChars ? null : url;
}

/** What stands in `raw` for a vendor payload over the budget. */
export interface RawOmitted {
  readonly $omitted: {
    readonly reason: 'too_large' | 'not_serializable';
    /** The payload's size as JSON (UTF-8 bytes), when it could be serialized. */
    readonly bytes: number | null;
    readonly limitBytes: number;
  };
}

/** `raw` and its JSON, the payload itself when inside the budget, else the marker. */
export function boundRaw(raw: unknown): { readonly raw: unknown; readonly json: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(raw);
  } catch {
    return omitted('not_serializable', null);
  }
  if (json === undefined) return { raw: null, json: 'null' };
  if (json.length * 3 <= EVENT_BOUNDS.rawBytes) return { raw, json };
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes <= EVENT_BOUNDS.rawBytes ? { raw, json } : omitted('too_large', bytes);
}

function omitted(reason: RawOmitted['$omitted']['reason'], bytes: number | null): { raw: RawOmitted; json: string } {
  const raw: RawOmitted = { $omitted: { reason, bytes, limitBytes: EVENT_BOUNDS.rawBytes } };
  return { raw, json: JSON.stringify(raw) };
}

/**
 * JSON that SQS accepts as a message body. JSON.stringify already escapes control characters and
 * lone surrogates; SQS also refuses U+FFFE and U+FFFF (outside its allowed characters), which
 * JSON.stringify leaves as they are, so they are written as escapes: the same JSON value.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export function sqsSafeJson(json: string): string {
  return NON_CHARACTERS.test(json) ? json.replace(NON_CHARACTERS_ALL, (c) => `\\u${c.charCodeAt(0).toString(16)}`) : json;
}

const NON_CHARACTERS = /[\uFFFE\uFFFF]/;
const NON_CHARACTERS_ALL = /[\uFFFE\uFFFF]/g;

/** A logged string's characters; longer ones are cut (ending in …). */
export const LOG_FIELD_CHARS = 512;

/**
 * A log line's fields with every string cut to LOG_FIELD_CHARS, arrays to their first 20 entries
 * and nesting to 4 levels: a field quoting a payload (an event type, a job id) cannot make a line
 * of hundreds of KiB.
 */
export function boundLogFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return boundLogValue(fields, 0) as Record<string, unknown>;
}

function boundLogValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return boundText(value, LOG_FIELD_CHARS);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) {
    const head = value.slice(0, 20).map((v) => boundLogValue(v, depth + 1));
    return value.length > 20 ? [...head, `[+${value.length - 20} more]`] : head;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    if (++n > 50) {
      out['[more]'] = true;
      break;
    }
    out[boundText(key, 64)] = boundLogValue(v, depth + 1);
  }
  return out;
}
