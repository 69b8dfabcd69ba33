/**
 * Minimal test-local status APIs, written from ../shared/VENDORS.md, so the poller can be tested
 * on its own contract (VendorStatusApi) independently of the real adapters.
 */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../lambda/core/event';
import type { StatusParseResult, VendorStatusApi } from '../../lambda/core/adapter';

type Obj = Record<string, unknown>;
const auth = (name: string, key: string | undefined): Record<string, string> => (key ? { [name]: key } : {});
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fields(jobId: string, status: VideoJobStatus, vendorStatus: string, raw: unknown, extra: Partial<NormalizedFields> = {}): NormalizedFields {
  return {
    jobId,
    status,
    progress: null,
    stage: null,
    outputUrl: null,
    media: null,
    error: null,
    vendorEventType: null,
    vendorStatus,
    occurredAtMs: null,
    raw,
    ...extra,
  };
}

const SYNC: Record<string, VideoJobStatus> = {
  PENDING: 'queued',
  PROCESSING: 'processing',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  REJECTED: 'failed',
  TIMED_OUT: 'failed',
  CANCELED: 'cancelled',
};

export const localSync: VendorStatusApi = {
  defaultBaseUrl: 'https://api.sync.so',
  request: (id, ctx) => ({ url: `${ctx.baseUrl}/v2/generate/${encodeURIComponent(id)}`, headers: auth('x-api-key', ctx.apiKey) }),
  parse(id, body): StatusParseResult {
    if (!isObj(body) || typeof body.status !== 'string' || !(body.status in SYNC)) return { kind: 'invalid', reason: 'no known status' };
    const status = SYNC[body.status];
    return {
      kind: 'status',
      fields: fields(id, status, body.status, body, {
        outputUrl: typeof body.outputUrl === 'string' ? body.outputUrl : null,
        media: status === 'succeeded' ? { ...EMPTY_MEDIA, durationSeconds: typeof body.outputDuration === 'number' ? body.outputDuration : null } : null,
        error: status === 'failed' ? { message: String(body.error ?? 'failed'), code: typeof body.errorCode === 'string' ? body.errorCode : null } : null,
      }),
    };
  },
};

const LIPDUB: Record<string, VideoJobStatus> = {
  not_started: 'queued',
  pending: 'queued',
  running: 'processing',
  finished: 'succeeded',
  failed: 'failed',
  skipped: 'failed',
  cancelled: 'cancelled',
};

export const localLipdub: VendorStatusApi = {
  defaultBaseUrl: 'https://api.lipdub.ai',
  request: (id, ctx) => ({ url: `${ctx.baseUrl}/v1/renders/${encodeURIComponent(id)}/status`, headers: auth('X-Api-Key', ctx.apiKey) }),
  parse(id, body, ctx): StatusParseResult {
    if (!isObj(body) || typeof body.status !== 'string' || !(body.status in LIPDUB)) return { kind: 'invalid', reason: 'no known status' };
    const vendorStatus = body.status;
    const status = LIPDUB[vendorStatus];
    if (status !== 'succeeded') return { kind: 'status', fields: fields(id, status, vendorStatus, body) };
    return {
      kind: 'follow',
      request: { url: `${ctx.baseUrl}/v1/renders/${encodeURIComponent(id)}/download`, headers: auth('X-Api-Key', ctx.apiKey) },
      then: (httpStatus, download) => ({
        kind: 'status',
        fields: fields(id, 'succeeded', vendorStatus, body, {
          outputUrl: httpStatus === 200 && isObj(download) && typeof download.download_url === 'string' ? download.download_url : null,
        }),
      }),
    };
  },
};

const VIRALSYNC: Record<string, VideoJobStatus> = { running: 'processing', done: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

export const localViralsync: VendorStatusApi = {
  defaultBaseUrl: undefined,
  request: (id, ctx) => ({ url: `${ctx.baseUrl}/v1/jobs/${encodeURIComponent(id)}`, headers: auth('x-api-key', ctx.apiKey) }),
  parse(id, body): StatusParseResult {
    if (!isObj(body) || typeof body.status !== 'string' || !(body.status in VIRALSYNC)) return { kind: 'invalid', reason: 'no known status' };
    const status = VIRALSYNC[body.status];
    return {
      kind: 'status',
      fields: fields(id, status, body.status, body, {
        progress: status === 'processing' && typeof body.progress === 'number' ? body.progress : null,
        stage: typeof body.phase === 'string' ? body.phase : null,
        outputUrl: typeof body.outputUrl === 'string' ? body.outputUrl : null,
      }),
    };
  },
};

const SYNTHESIA: Record<string, VideoJobStatus> = {
  in_progress: 'processing',
  complete: 'succeeded',
  error: 'failed',
  rejected: 'failed',
  deleted: 'cancelled',
};

export const localSynthesia: VendorStatusApi = {
  defaultBaseUrl: 'https://api.synthesia.io',
  request: (id, ctx) => ({ url: `${ctx.baseUrl}/v2/videos/${encodeURIComponent(id)}`, headers: auth('Authorization', ctx.apiKey) }),
  parse(id, body): StatusParseResult {
    if (!isObj(body) || typeof body.status !== 'string' || !(body.status in SYNTHESIA)) return { kind: 'invalid', reason: 'no known status' };
    const status = SYNTHESIA[body.status];
    return { kind: 'status', fields: fields(id, status, body.status, body, { outputUrl: typeof body.download === 'string' ? body.download : null }) };
  },
};

export const LOCAL_APIS = { sync: localSync, lipdub: localLipdub, viralsync: localViralsync, synthesia: localSynthesia } as const;
