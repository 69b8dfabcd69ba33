/**
 * Sync (sync.so). Webhooks carry the generation object and a `Sync-Signature: t=<unix>,v1=<hex>`
 * header: hex HMAC-SHA256 of `<t>.<raw body>` keyed with the signing secret (its `whsec_` prefix
 * included). Only final statuses are sent and never retried, so the poller matters most here.
 * Status API: `GET https://api.sync.so/v2/generate/{id}` with `x-api-key`.
 */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../core/event';
import { fromHex, hmacSha256, isObject, matchesAnySecret, parseJsonObject, parseUnixSeconds, readId, readNumber, readPercent, readString, safeEqual, secondsOption, withinTolerance, type JsonObject } from './crypto';
import type { AuthResult, NormalizeResult, RawRequest, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

export interface SyncOptions {
  /**
   * Largest accepted distance between the signed timestamp `t` and now, either way.
   * Sync documents none; 300 s is the common choice.
   * @default 300
   */
  readonly timestampToleranceSeconds?: number;
  /**
   * Also accept a signature computed over the body re-serialized as compact JSON
   * (`JSON.stringify(JSON.parse(body))`), as Sync's own samples do, when the raw body does not
   * verify. Off by default. Risk: it parses the body before it is authenticated (an
   * unauthenticated sender can make the verifier parse up to the body size limit of JSON), and
   * two bodies with the same JSON meaning but different bytes then both verify. Turn it on only
   * if Sync's signer turns out to hash re-serialized JSON rather than the bytes it sends.
   * @default false
   */
  readonly compactJsonFallback?: boolean;
}

const SIGNATURE_HEADERS = ['sync-signature', 'x-signature-primary'] as const;

const STATUS_MAP: Readonly<Record<string, VideoJobStatus>> = {
  PENDING: 'queued',
  PROCESSING: 'processing',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  REJECTED: 'failed',
  TIMED_OUT: 'failed',
  CANCELED: 'cancelled',
  CANCELLED: 'cancelled',
};

/**
 * The Sync adapter. `vendorEventType` is always null: Sync webhooks have no event type, only the
 * generation's `status` (which is `vendorStatus`); the time is the signed `t` (the body has none).
 */
export function syncAdapter(options: SyncOptions = {}, id = 'sync'): VendorAdapter {
  const tolerance = secondsOption(id, 'timestampToleranceSeconds', options.timestampToleranceSeconds, 300);
  return {
    id,
    authHeaders: [...SIGNATURE_HEADERS],
    authenticate(req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult {
      const header = SIGNATURE_HEADERS.map((h) => req.headers[h]).find((v) => v !== undefined && v.trim() !== '');
      if (header === undefined) return { ok: false, reason: 'missing_signature' };
      const parsed = parseSignatureHeader(header);
      if (!parsed) return { ok: false, reason: 'malformed_signature' };
      if (!withinTolerance(parsed.timestampMs, nowMs, tolerance)) return { ok: false, reason: 'stale_timestamp' };
      const prefix = `${parsed.t}.`;
      // Every v1 is checked against every secret: a second v1 or a second secret during rotation both work.
      let ok = false;
      for (const signature of parsed.signatures) {
        if (matchesAnySecret(signature, secrets, prefix, req.body)) ok = true;
      }
      if (!ok && options.compactJsonFallback) ok = compactMatches(parsed, secrets, req.body);
      return ok ? { ok: true, timestampMs: parsed.timestampMs } : { ok: false, reason: 'bad_signature' };
    },
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = normalizeGeneration(body, undefined, auth.timestampMs);
      return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'event', fields };
    },
    statusApi: STATUS_API,
  };
}

const STATUS_API: VendorStatusApi = {
  defaultBaseUrl: 'https://api.sync.so',
  documentedReadsPerMinute: 600,
  request: (jobId, ctx) => ({
    url: `${ctx.baseUrl}/v2/generate/${encodeURIComponent(jobId)}?include=progress`,
    headers: { accept: 'application/json', ...(ctx.apiKey ? { 'x-api-key': ctx.apiKey } : {}) },
  }),
  parse(jobId, body): StatusParseResult {
    if (!isObject(body)) return { kind: 'invalid', reason: 'status answer is not a JSON object' };
    const fields = normalizeGeneration(body, jobId, null);
    return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'status', fields };
  },
};

interface ParsedSignature {
  readonly t: string;
  readonly timestampMs: number;
  readonly signatures: readonly Buffer[];
}

/** Lenient: `t=...,v1=...[,v1=...]` in any order, spaces allowed; unknown parts ignored. */
export function parseSignatureHeader(header: string): ParsedSignature | undefined {
  let t: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1') {
      const sig = fromHex(value);
      if (sig && sig.length === 32) signatures.push(sig);
    }
  }
  const timestampMs = parseUnixSeconds(t);
  if (t === undefined || timestampMs === undefined || signatures.length === 0) return undefined;
  return { t: t.trim(), timestampMs, signatures };
}

function compactMatches(parsed: ParsedSignature, secrets: readonly string[], body: Buffer): boolean {
  const object = parseJsonObject(body);
  if (!object) return false;
  const compact = JSON.stringify(object);
  let ok = false;
  for (const signature of parsed.signatures) {
    for (const secret of secrets) if (safeEqual(signature, hmacSha256(secret, `${parsed.t}.`, compact))) ok = true;
  }
  return ok;
}

/** The generation object (webhook body or status answer) to normalized fields. */
function normalizeGeneration(body: JsonObject, fallbackJobId: string | undefined, signedAtMs: number | null): NormalizedFields | string {
  const jobId = readId(body.id) ?? fallbackJobId;
  if (!jobId) return 'no id';
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : STATUS_MAP[vendorStatus.toUpperCase()];
  if (!status) return `unknown status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const duration = readNumber(body.outputDuration);
  const errorMessage = readString(body.error);
  const errorCode = readString(body.error_code) ?? readString(body.errorCode);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : readPercent(body.progress_percent ?? body.progressPercent),
    stage: null,
    outputUrl: readString(body.outputUrl),
    media: duration === null ? null : { ...EMPTY_MEDIA, durationSeconds: duration },
    error:
      status === 'failed' || errorMessage !== null || errorCode !== null
        ? { message: errorMessage ?? (errorCode ? errorCode : `generation ${vendorStatus?.toLowerCase()}`), code: errorCode }
        : null,
    vendorEventType: null,
    vendorStatus,
    // The body has no event time; the signed timestamp is when Sync sent it.
    occurredAtMs: signedAtMs,
    raw: body,
  };
}
