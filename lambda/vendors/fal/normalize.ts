/** fal's webhook body, and a model's result, to normalized fields. */
import type { NormalizedFields } from '../../core/event';
import { firstPath, isObject, readId, readString, type JsonObject } from '../../core/json';

/** The webhook body: OK succeeded, ERROR failed (its `error` the message, `payload` the details). */
export function normalizeResult(body: JsonObject, outputUrlFields: readonly string[]): NormalizedFields | string {
  const jobId = readId(body.request_id);
  if (!jobId) return 'no request_id';
  const vendorStatus = readString(body.status);
  if (vendorStatus !== 'OK' && vendorStatus !== 'ERROR') return `unknown status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const ok = vendorStatus === 'OK';
  return {
    jobId,
    status: ok ? 'succeeded' : 'failed',
    progress: ok ? 1 : null,
    stage: null,
    outputUrl: ok ? outputUrlOf(body.payload, outputUrlFields) : null,
    media: null,
    error: ok ? null : { message: readString(body.error) ?? detailOf(body.payload) ?? 'request failed', code: null },
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: null,
    raw: body,
  };
}

/** The first of `fields` in a model's result that holds an http(s) URL. */
export function outputUrlOf(result: unknown, fields: readonly string[]): string | null {
  const url = firstPath(result, fields);
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

/** A validation error's details (`{detail: [{msg, loc}]}` or `{detail: "..."}`), as text. */
export function detailOf(payload: unknown): string | null {
  if (!isObject(payload)) return null;
  if (typeof payload.detail === 'string') return payload.detail;
  if (Array.isArray(payload.detail)) return payload.detail.map((d) => (isObject(d) && typeof d.msg === 'string' ? d.msg : JSON.stringify(d))).join('; ').slice(0, 500) || null;
  return null;
}
