/**
 * Runway's status API: `GET {base}/v1/tasks/{id}` with `Authorization: Bearer` and
 * `X-Runway-Version`, answered with the task (discriminated by `status`).
 */
import type { NormalizedFields, VideoJobStatus } from '../../core/event';
import { ownValue, readId, readProgress, readString, readTime, type JsonObject } from '../../core/json';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { runwayManifest } from './manifest';

/** Task statuses (@runwayml/sdk `TaskRetrieveResponse.status`) to normalized statuses. */
export const RUNWAY_STATUSES: Readonly<Record<string, VideoJobStatus>> = {
  PENDING: 'queued',
  THROTTLED: 'queued',
  RUNNING: 'processing',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

export function runwayStatusApi(runwayVersion: string) {
  return statusApi({
    defaultBaseUrl: runwayManifest.statusApiBaseUrl,
    path: (id) => `/v1/tasks/${id}`,
    keyHeader: 'authorization',
    keyPrefix: 'Bearer ',
    headers: { 'x-runway-version': runwayVersion },
    parse: (jobId, body) => asStatus(taskFields(body, jobId)),
  });
}

/** A task to normalized fields, or why it cannot be. */
export function taskFields(body: JsonObject, fallbackJobId: string): NormalizedFields | string {
  const jobId = readId(body.id) ?? fallbackJobId;
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : ownValue(RUNWAY_STATUSES, vendorStatus);
  if (!status) return `unknown task status ${JSON.stringify(body.status)}`.slice(0, 120);
  const output = Array.isArray(body.output) ? body.output.find((url) => typeof url === 'string') : undefined;
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : status === 'processing' ? readProgress(body.progress) : null,
    // THROTTLED is queued behind the project's concurrency limit: a stage of its own, so it is an event of its own.
    stage: vendorStatus === 'THROTTLED' ? 'throttled' : null,
    // Output URLs "expire within 24-48 hours" (the SDK): consumers fetch the file at once, or ask the task again.
    outputUrl: typeof output === 'string' ? output : null,
    media: null,
    error: status === 'failed' ? { message: readString(body.failure) ?? 'task failed', code: readString(body.failureCode) } : null,
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: status === 'queued' ? readTime(body.createdAt) : null,
    raw: body,
  };
}
