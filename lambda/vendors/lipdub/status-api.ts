/** LipDub's status API (render flow): `GET {base}/v1/renders/{id}/status` with `X-Api-Key`, then `/download` once finished. */
import type { StatusParseResult } from '../../core/adapter';
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { firstPath, isObject, ownValue, readId, readString, type JsonObject } from '../../core/json';
import { statusApi, statusRequest } from '../shared/status-api';
import { lipdubManifest } from './manifest';

const RENDER_STATUS: Readonly<Record<string, VideoJobStatus>> = {
  not_started: 'queued',
  pending: 'queued',
  running: 'processing',
  finished: 'succeeded',
  failed: 'failed',
  skipped: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

const KEY = { keyHeader: 'x-api-key' } as const;

export function lipdubStatusApi(outputUrlFields: readonly string[]) {
  return statusApi({
    defaultBaseUrl: lipdubManifest.statusApiBaseUrl,
    path: (id) => `/v1/renders/${id}/status`,
    ...KEY,
    parse(jobId, body, ctx): StatusParseResult {
      const vendorStatus = readString(body.status);
      const status = vendorStatus === null ? undefined : ownValue(RENDER_STATUS, vendorStatus.toLowerCase());
      if (!status) return { kind: 'invalid', reason: `unknown render status ${JSON.stringify(body.status)}`.slice(0, 120) };
      const fields = renderFields(readId(body.generate_id) ?? jobId, status, vendorStatus, body);
      if (status !== 'succeeded') return { kind: 'status', fields };
      // Finished: the URL comes from /download.
      return {
        kind: 'follow',
        request: statusRequest(KEY, ctx, `/v1/renders/${encodeURIComponent(jobId)}/download`),
        then: (httpStatus, download) => {
          const url = httpStatus >= 200 && httpStatus < 300 && isObject(download) ? readString(firstPath(download, outputUrlFields)) : null;
          return { kind: 'status', fields: { ...fields, outputUrl: url, raw: { status: body, download: isObject(download) ? download : null } } };
        },
      };
    },
  });
}

function renderFields(jobId: string, status: VideoJobStatus, vendorStatus: string | null, body: JsonObject): NormalizedFields {
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : null,
    stage: null,
    outputUrl: null,
    media: null,
    error: status === 'failed' ? { message: readString(body.failure_reason) ?? readString(body.error) ?? `render ${vendorStatus}`, code: vendorStatus } : null,
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: null,
    raw: body,
  };
}
