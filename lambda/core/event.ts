/**
 * The normalized event: the contract with consumers (see README "Event format").
 * Every message on the events queue is one of these, as CloudEvents 1.0 JSON (structured mode).
 * This file is shared by the runtime and by `lib/` (types only) and must stay free of I/O.
 */
import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';
import { VIDEO_JOB_STATUSES, type VideoJobStatus } from '../contract/statuses';
import { boundRaw, boundText, boundUrl, EVENT_BOUNDS, sqsSafeJson, type RawOmitted } from './bounds';
import type { EventMessage } from './ports';

export { VIDEO_JOB_STATUSES, type VideoJobStatus, type RawOmitted };

/** Statuses after which a job never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<VideoJobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

export function isTerminal(status: VideoJobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export interface VideoJobMedia {
  readonly durationSeconds: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fileSizeBytes: number | null;
  readonly thumbnailUrl: string | null;
  readonly captions: { readonly srt: string | null; readonly vtt: string | null };
}

export interface VideoJobError {
  readonly message: string;
  readonly code: string | null;
}

/**
 * How the pipeline learnt what the event says: `webhook`, an authenticated report; `poll`, the
 * status API asked by the poller; `callback`, the status API asked because an unsigned callback
 * (a hint, never trusted itself) said the job had news.
 */
export type ReceivedVia = 'webhook' | 'poll' | 'callback';

/** `data` of the CloudEvent. Fields that do not apply are `null`, never missing. */
export interface VideoJobEventData {
  readonly vendor: string;
  readonly jobId: string;
  readonly status: VideoJobStatus;
  readonly terminal: boolean;
  /** 0..1, or null when the vendor gave none. */
  readonly progress: number | null;
  readonly stage: string | null;
  readonly outputUrl: string | null;
  readonly media: VideoJobMedia | null;
  readonly error: VideoJobError | null;
  readonly vendorEventType: string | null;
  readonly vendorStatus: string | null;
  readonly receivedVia: ReceivedVia;
  readonly receivedAt: string;
  /**
   * The vendor payload as parsed JSON; a payload whose JSON is over 720 KiB (`EVENT_BOUNDS.rawBytes`)
   * is replaced by a `RawOmitted` marker (`{"$omitted": {...}}`), so the event fits one SQS message.
   */
  readonly raw: unknown;
}

export interface VideoJobEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: VideoJobEventData;
}

/**
 * What a vendor adapter (webhook or status API) extracts from one vendor message: everything of
 * `data` except what the pipeline adds (vendor, terminal, receivedVia, receivedAt), plus the
 * vendor's own time.
 */
export interface NormalizedFields extends Omit<VideoJobEventData, 'vendor' | 'terminal' | 'receivedVia' | 'receivedAt'> {
  /** When the vendor says it happened (ms since epoch), or null if it does not say. */
  readonly occurredAtMs: number | null;
}

/** Progress is kept to this many decimals in event ids, so 0.4600001 and 0.46 are one step. */
const PROGRESS_STEP_DECIMALS = 3;

/**
 * The deterministic event id: same vendor + job + status (+ progress step and stage for
 * non-terminal events) gives the same id, whether the event came by webhook or by poll.
 *
 * The parts are joined with NUL, as since 0.1.0, when none contains one (so today's ids stay as
 * they are). A part with a NUL in it would make the join ambiguous (job `x` at stage `succeeded`
 * and job `x\0processing\0` succeeded joined alike), so such parts are length-prefixed instead,
 * behind a leading U+0001 that no plain join has (vendor ids start with a letter).
 */
export function eventIdFor(vendor: string, fields: Pick<NormalizedFields, 'jobId' | 'status' | 'progress' | 'stage'>): string {
  const parts = [vendor, fields.jobId, fields.status];
  if (!isTerminal(fields.status)) {
    parts.push(fields.progress === null ? '' : fields.progress.toFixed(PROGRESS_STEP_DECIMALS), fields.stage ?? '');
  }
  const plain = parts.every((part) => !part.includes('\u0000'));
  const hex = sha256Hex(plain ? parts.join('\u0000') : `\u0001${parts.map((part) => `${part.length}:${part}`).join('')}`);
  // Shaped like a UUID so consumers' id columns accept it; derived, not random.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** One-shot `crypto.hash` where the runtime has it (Node >= 20.12): no Hash object per event. */
const oneShot = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
function sha256Hex(data: string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

export interface BuildEventOptions {
  readonly vendor: string;
  readonly receivedVia: ReceivedVia;
  readonly receivedAtMs: number;
}

/**
 * Builds the CloudEvent for normalized fields, each inside its bound (core/bounds.ts), so the
 * event always fits one SQS message. Pure.
 */
export function buildEvent(unbounded: NormalizedFields, options: BuildEventOptions): VideoJobEvent {
  const fields = boundFields(unbounded);
  const receivedAt = new Date(options.receivedAtMs).toISOString();
  const occurred = fields.occurredAtMs !== null && Number.isFinite(fields.occurredAtMs) ? fields.occurredAtMs : options.receivedAtMs;
  const raw = boundRaw(fields.raw);
  const event: VideoJobEvent = {
    specversion: '1.0',
    id: eventIdFor(options.vendor, fields),
    source: `video-webhooks/${options.vendor}`,
    type: `video.job.${fields.status}`,
    subject: fields.jobId,
    time: safeIso(occurred, receivedAt),
    datacontenttype: 'application/json',
    data: {
      vendor: options.vendor,
      jobId: fields.jobId,
      status: fields.status,
      terminal: isTerminal(fields.status),
      progress: fields.progress,
      stage: fields.stage,
      outputUrl: fields.outputUrl,
      media: fields.media,
      error: fields.error,
      vendorEventType: fields.vendorEventType,
      vendorStatus: fields.vendorStatus,
      receivedVia: options.receivedVia,
      receivedAt,
      raw: raw.raw,
    },
  };
  rawJsonOf.set(event, raw.json);
  return event;
}

/** Every field but the job id (checked before: see jobIdProblem) cut to its bound. */
function boundFields(f: NormalizedFields): NormalizedFields {
  const text = EVENT_BOUNDS.textChars;
  const media = f.media && {
    ...f.media,
    thumbnailUrl: boundUrl(f.media.thumbnailUrl),
    captions: { srt: boundUrl(f.media.captions.srt), vtt: boundUrl(f.media.captions.vtt) },
  };
  const error = f.error && { message: boundText(f.error.message, EVENT_BOUNDS.errorMessageChars), code: boundText(f.error.code, text) };
  return {
    ...f,
    stage: boundText(f.stage, text),
    outputUrl: boundUrl(f.outputUrl),
    media,
    error,
    vendorEventType: boundText(f.vendorEventType, text),
    vendorStatus: boundText(f.vendorStatus, text),
  };
}

/** The JSON of each built event's `raw`, made once while bounding it (see eventJson). */
const rawJsonOf = new WeakMap<VideoJobEvent, string>();

/**
 * The event as the JSON body SQS accepts. `raw` is serialized once: the JSON measured against
 * its budget is written in (stringifyWithRawJson).
 */
export function eventJson(event: VideoJobEvent): string {
  const rawJson = rawJsonOf.get(event);
  return sqsSafeJson(rawJson === undefined ? JSON.stringify(event) : stringifyWithRawJson(event, rawJson));
}

/**
 * `JSON.stringify(event)`, with `rawJson`, which must be `JSON.stringify(event.data.raw)`, written
 * in rather than made again (a payload can be hundreds of KiB). When `raw` is the last member of
 * `data` and `data` the last of the event (as buildEvent makes it), the event is serialized with
 * `raw: null` and `rawJson` takes the place of that `null`, just before the two closing braces;
 * in any other order, JSON.stringify does it all.
 */
export function stringifyWithRawJson(event: { readonly data: { readonly raw: unknown } }, rawJson: string): string {
  if (lastKey(event) !== 'data' || lastKey(event.data) !== 'raw') return JSON.stringify(event);
  const withNullRaw = JSON.stringify({ ...event, data: { ...event.data, raw: null } });
  return `${withNullRaw.slice(0, -NULL_RAW_TAIL.length)}${rawJson}}}`;
}

/** How JSON.stringify ends an object whose last member is `data`, whose last member is `raw: null`. */
const NULL_RAW_TAIL = 'null}}';

function lastKey(o: object): string | undefined {
  const keys = Object.keys(o);
  return keys[keys.length - 1];
}

function safeIso(ms: number, fallback: string): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
}

/** A media object with every field null, for adapters to spread over. */
export const EMPTY_MEDIA: VideoJobMedia = Object.freeze({
  durationSeconds: null,
  width: null,
  height: null,
  fileSizeBytes: null,
  thumbnailUrl: null,
  captions: Object.freeze({ srt: null, vtt: null }),
});

/** The event as the queue carries it; `json` is its JSON when the caller has it already. */
export function toMessage(event: VideoJobEvent, json: string = eventJson(event)): EventMessage {
  return { id: event.id, vendor: event.data.vendor, jobId: event.data.jobId, type: event.type, source: event.source, body: json };
}
