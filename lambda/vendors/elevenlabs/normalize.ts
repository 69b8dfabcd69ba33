/**
 * ElevenLabs dubbing jobs to normalized fields: a Dubbing Project's language target (webhooks and
 * the project status API), job id `<project_id>:<language_id>` (the status API needs both); or a
 * dubbing of the older API (status API only), job id its `dubbing_id`.
 */
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readString, readTime, type JsonObject } from '../../core/json';

/** A language target's status. `stale` (the transcript changed after the output was made) keeps its output: done. */
const LANGUAGE_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  queued: 'queued',
  processing: 'processing',
  completed: 'succeeded',
  stale: 'succeeded',
  failed: 'failed',
};

/** A dubbing's status in the older API ("Either 'dubbed', 'dubbing' or 'failed'"). */
const DUBBING_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  dubbing: 'processing',
  dubbed: 'succeeded',
  failed: 'failed',
};

/** The separator of a language target's job id, `<project_id>:<language_id>`. */
export const JOB_ID_SEPARATOR = ':';

/** A language target, with the status the event type decides (or its own). */
export function normalizeLanguage(language: JsonObject, eventType: string | null, given: VideoJobStatus | undefined, raw: JsonObject): NormalizedFields | string {
  const project = readId(language.project_id);
  const lang = readId(language.language_id);
  if (!project || !lang) return 'no project_id and language_id';
  const vendorStatus = readString(language.status);
  const status = given ?? (vendorStatus === null ? undefined : ownValue(LANGUAGE_STATUS, vendorStatus));
  if (!status) return `unknown language status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const outputs = isObject(language.outputs) ? language.outputs : undefined;
  return {
    jobId: `${project}${JOB_ID_SEPARATOR}${lang}`,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: readString(language.target_language),
    outputUrl: status === 'succeeded' && outputs ? readString(outputs.lossless_audio) : null,
    media: status === 'succeeded' && outputs && readString(outputs.subtitles) ? { durationSeconds: null, width: null, height: null, fileSizeBytes: null, thumbnailUrl: null, captions: { srt: null, vtt: readString(outputs.subtitles) } } : null,
    error: status === 'failed' ? errorOf(language.error, 'dubbing failed') : null,
    vendorEventType: eventType,
    vendorStatus,
    occurredAtMs: readTime(language.updated_at),
    raw,
  };
}

/** A dubbing of the older API (`GET /v1/dubbing/{dubbing_id}`). */
export function normalizeDubbing(dubbing: JsonObject, fallbackJobId: string): NormalizedFields | string {
  const vendorStatus = readString(dubbing.status);
  const status = vendorStatus === null ? undefined : ownValue(DUBBING_STATUS, vendorStatus);
  if (!status) return `unknown dubbing status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  return {
    jobId: readId(dubbing.dubbing_id) ?? fallbackJobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    // The dubbed file is `GET /v1/dubbing/{id}/audio/{language}`, which needs the key: not a URL to hand on.
    outputUrl: null,
    media: null,
    error: status === 'failed' ? errorOf(dubbing.error, 'dubbing failed') : null,
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: null,
    raw: dubbing,
  };
}

/** `{message_type: "error", error: "..."}` (a language target), or a plain string (the older API). */
function errorOf(error: unknown, fallback: string): { readonly message: string; readonly code: string | null } {
  if (typeof error === 'string' && error) return { message: error, code: null };
  if (isObject(error)) return { message: readString(error.error) ?? readString(error.message) ?? fallback, code: readString(error.code) };
  return { message: fallback, code: null };
}
