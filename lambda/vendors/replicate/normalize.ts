/** Replicate's prediction object, the body of its webhooks and of its status answers, to normalized fields. */
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readId, readString, readTime, type JsonObject } from '../../core/json';

const STATUS_MAP: Readonly<Record<string, VideoJobStatus>> = {
  starting: 'queued',
  processing: 'processing',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'cancelled',
  // In the SDK's types, not in the docs: a prediction stopped before it ran (a deadline, say); a failure to whoever waits for it.
  aborted: 'failed',
};

/** The prediction (webhook body or status answer) to normalized fields, or why not. */
export function normalizePrediction(body: JsonObject, fallbackJobId: string | undefined): NormalizedFields | string {
  const jobId = readId(body.id) ?? fallbackJobId;
  if (!jobId) return 'no id';
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : ownValue(STATUS_MAP, vendorStatus);
  if (!status) return `unknown status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: status === 'succeeded' ? outputUrl(body.output) : null,
    media: null,
    error: status === 'failed' ? { message: errorText(body.error) ?? `prediction ${vendorStatus}`, code: vendorStatus === 'aborted' ? 'aborted' : null } : null,
    // The event (start, output, logs, completed) is in no header and no field: the status says it.
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: readTime(status === 'queued' ? body.created_at : status === 'processing' ? (body.started_at ?? body.created_at) : (body.completed_at ?? body.started_at)),
    raw: body,
  };
}

/** The output is model-specific: a URL, a list of them (the first is taken), or other JSON (left in `raw`). */
function outputUrl(output: unknown): string | null {
  const first = Array.isArray(output) ? output.find((o) => typeof o === 'string') : output;
  return typeof first === 'string' && /^https?:\/\//i.test(first) ? first : null;
}

/** `error` is typed `unknown` in the SDK: a string, or an object with a message, or other JSON. */
function errorText(error: unknown): string | null {
  if (typeof error === 'string') return readString(error);
  if (isObject(error)) return readString(error.message) ?? readString(error.detail) ?? JSON.stringify(error).slice(0, 500);
  return null;
}
