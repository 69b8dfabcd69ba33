/**
 * fal's queue status API (https://docs.fal.ai/model-endpoints/queue), `Authorization: Key <key>`:
 * `GET https://queue.fal.run/{owner/alias}/requests/{request_id}/status` answers IN_QUEUE,
 * IN_PROGRESS or COMPLETED; once COMPLETED, `GET .../requests/{request_id}` is the result: the
 * model's output (a 2xx), or the failure (a 4xx with its `detail`). That a failed request's result
 * is a 4xx is the reading of fal's docs ("the response includes an error_type field", per
 * https://fal.ai/docs/documentation/deployment/readiness-liveness); a 5xx is retried on a later run.
 */
import type { StatusParseResult } from '../../core/adapter';
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { isObject, ownValue, readString, type JsonObject } from '../../core/json';
import { statusApi, statusRequest } from '../shared/status-api';
import { falManifest } from './manifest';
import { detailOf, outputUrlOf } from './normalize';

const QUEUE_STATUS: Readonly<Record<string, VideoJobStatus>> = { IN_QUEUE: 'queued', IN_PROGRESS: 'processing' };
const KEY = { keyHeader: 'authorization', keyPrefix: 'Key ' } as const;

export function falStatusApi(modelId: string, outputUrlFields: readonly string[]) {
  return statusApi({
    defaultBaseUrl: falManifest.statusApiBaseUrl,
    path: (id) => `/${modelId}/requests/${id}/status`,
    ...KEY,
    parse(jobId, body, ctx): StatusParseResult {
      const vendorStatus = readString(body.status);
      if (vendorStatus === 'COMPLETED') {
        return {
          kind: 'follow',
          request: statusRequest(KEY, ctx, `/${modelId}/requests/${encodeURIComponent(jobId)}`, jobId),
          then: (httpStatus, result) => completed(jobId, httpStatus, result, body, outputUrlFields),
        };
      }
      const status = vendorStatus === null ? undefined : ownValue(QUEUE_STATUS, vendorStatus);
      if (!status || vendorStatus === null) return { kind: 'invalid', reason: `unknown queue status ${JSON.stringify(vendorStatus)}`.slice(0, 120) };
      return { kind: 'status', fields: fields(jobId, status, vendorStatus, null, null, body) };
    },
  });
}

function completed(jobId: string, httpStatus: number, result: unknown, statusBody: JsonObject, outputUrlFields: readonly string[]): StatusParseResult {
  const raw = { status: statusBody, result: isObject(result) ? result : null };
  if (httpStatus >= 200 && httpStatus < 300) return { kind: 'status', fields: fields(jobId, 'succeeded', 'COMPLETED', outputUrlOf(result, outputUrlFields), null, raw) };
  if (httpStatus >= 400 && httpStatus < 500 && httpStatus !== 404) {
    const error = { message: detailOf(result) ?? `request failed (${httpStatus})`, code: isObject(result) ? readString(result.error_type) : null };
    return { kind: 'status', fields: fields(jobId, 'failed', 'COMPLETED', null, error, raw) };
  }
  return { kind: 'invalid', reason: `the result of a completed request answered ${httpStatus}` };
}

function fields(jobId: string, status: VideoJobStatus, vendorStatus: string, outputUrl: string | null, error: NormalizedFields['error'], raw: JsonObject): NormalizedFields {
  return { jobId, status, progress: status === 'succeeded' ? 1 : null, stage: null, outputUrl, media: null, error, vendorEventType: null, vendorStatus, occurredAtMs: null, raw };
}
