/**
 * The generic adapter: a vendor described by options instead of code, so users can add one
 * without forking. Authentication is an HMAC-SHA256 over a template of the timestamp and the
 * raw body (hex or base64), or a static key in a header; fields are read by dotted JSON paths.
 */
import type { NormalizedFields, VideoJobStatus } from '../core/event';
import { VIDEO_JOB_STATUSES } from '../core/event';
import { firstPath, fromBase64, fromHex, isObject, matchesAnyKey, matchesAnySecret, parseJsonObject, parseUnixSeconds, readId, readNumber, readProgress, readString, readTime, withinTolerance } from './crypto';
import type { AuthResult, NormalizeResult, RawRequest, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

/** HMAC-SHA256 over `template`, where `{timestamp}` and `{body}` are replaced by the header value and the raw body. */
export interface GenericHmacAuth {
  readonly type: 'hmac';
  /** The HMAC hash; SHA-256 is the only one supported. @default 'sha256' */
  readonly algorithm?: 'sha256';
  /** Header with the signature, e.g. `x-acme-signature`. */
  readonly signatureHeader: string;
  /** @default 'hex' */
  readonly encoding?: 'hex' | 'base64';
  /** Text before the signature in the header, e.g. `sha256=`. @default '' */
  readonly signaturePrefix?: string;
  /** Header with unix seconds; required when the template uses `{timestamp}`. */
  readonly timestampHeader?: string;
  /** @default '{body}' */
  readonly template?: string;
  /** Tolerance for the timestamp header. @default 300 */
  readonly toleranceSeconds?: number;
}

/** A static key in a header, compared in constant time (`Bearer ` is stripped when present). */
export interface GenericKeyAuth {
  readonly type: 'bearer';
  /** @default 'authorization' */
  readonly header?: string;
}

export interface GenericOptions {
  readonly auth: GenericHmacAuth | GenericKeyAuth;
  /** Dotted JSON paths into the body (first match wins for lists). */
  readonly paths: {
    readonly jobId: string | readonly string[];
    readonly status: string | readonly string[];
    readonly errorMessage?: string | readonly string[];
    readonly errorCode?: string | readonly string[];
    readonly outputUrl?: string | readonly string[];
    /** A 0..1 figure. */
    readonly progress?: string | readonly string[];
    readonly stage?: string | readonly string[];
    /** ISO-8601 time of the event. */
    readonly time?: string | readonly string[];
    readonly eventType?: string | readonly string[];
  };
  /** The vendor's status words to normalized statuses; a status not in the map is quarantined. */
  readonly statusMap: Readonly<Record<string, VideoJobStatus>>;
  /** Status API URL with `{jobId}`, e.g. `https://api.acme.com/v1/jobs/{jobId}`. @default - no polling */
  readonly statusUrlTemplate?: string;
  /** Header the status-API key goes in. @default 'authorization' */
  readonly apiKeyHeader?: string;
  /** Text before the key in that header. @default 'Bearer ' */
  readonly apiKeyPrefix?: string;
  /** Paths in the status answer, when they differ from the webhook's. @default - `paths` */
  readonly statusPaths?: GenericOptions['paths'];
}

export function genericAdapter(options: GenericOptions, id: string): VendorAdapter {
  validate(options, id);
  const auth = options.auth;
  const authHeaders =
    auth.type === 'hmac' ? [auth.signatureHeader, ...(auth.timestampHeader ? [auth.timestampHeader] : [])] : [auth.header ?? 'authorization'];
  return {
    id,
    authHeaders: authHeaders.map((h) => h.toLowerCase()),
    authenticate: (req, secrets, nowMs) => (auth.type === 'hmac' ? hmacAuth(auth, req, secrets, nowMs) : keyAuth(auth, req, secrets)),
    normalize(req: RawRequest, authResult): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = extract(body, options.paths, options.statusMap, undefined);
      if (typeof fields === 'string') return { kind: 'invalid', reason: fields };
      return { kind: 'event', fields: { ...fields, occurredAtMs: fields.occurredAtMs ?? authResult.timestampMs } };
    },
    statusApi: options.statusUrlTemplate ? statusApi(options) : undefined,
  };
}

function hmacAuth(auth: GenericHmacAuth, req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult {
  const header = req.headers[auth.signatureHeader.toLowerCase()]?.trim();
  if (!header) return { ok: false, reason: 'missing_signature' };
  const prefix = auth.signaturePrefix ?? '';
  if (prefix && !header.startsWith(prefix)) return { ok: false, reason: 'malformed_signature' };
  const raw = header.slice(prefix.length);
  const signature = (auth.encoding ?? 'hex') === 'hex' ? fromHex(raw) : fromBase64(raw);
  if (!signature || signature.length !== 32) return { ok: false, reason: 'malformed_signature' };
  const template = auth.template ?? '{body}';
  let timestampMs: number | null = null;
  let timestamp = '';
  if (template.includes('{timestamp}')) {
    timestamp = req.headers[(auth.timestampHeader ?? '').toLowerCase()]?.trim() ?? '';
    if (!timestamp) return { ok: false, reason: 'missing_signature' };
    const parsed = parseUnixSeconds(timestamp);
    if (parsed === undefined) return { ok: false, reason: 'malformed_signature' };
    if (!withinTolerance(parsed, nowMs, auth.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale_timestamp' };
    timestampMs = parsed;
  }
  // The template around {body} is text; the body goes in as the raw bytes received.
  const [before, after = ''] = template.split('{body}');
  const parts: Array<string | Buffer> = [before.replaceAll('{timestamp}', timestamp)];
  if (template.includes('{body}')) parts.push(req.body, after.replaceAll('{timestamp}', timestamp));
  return matchesAnySecret(signature, secrets, ...parts) ? { ok: true, timestampMs } : { ok: false, reason: 'bad_signature' };
}

function keyAuth(auth: GenericKeyAuth, req: RawRequest, keys: readonly string[]): AuthResult {
  const value = req.headers[(auth.header ?? 'authorization').toLowerCase()]?.trim();
  if (!value) return { ok: false, reason: 'missing_key' };
  const presented = value.replace(/^Bearer\s+/i, '');
  return matchesAnyKey(presented, keys) ? { ok: true, timestampMs: null } : { ok: false, reason: 'bad_key' };
}

function statusApi(options: GenericOptions): VendorStatusApi {
  const header = (options.apiKeyHeader ?? 'authorization').toLowerCase();
  const prefix = options.apiKeyPrefix ?? 'Bearer ';
  const template = options.statusUrlTemplate ?? '';
  return {
    // The template is absolute; the base URL is the part before the path, so it can be overridden.
    defaultBaseUrl: new URL(template.replace('{jobId}', 'x')).origin,
    documentedReadsPerMinute: undefined,
    request: (jobId, ctx) => {
      const url = new URL(template.replace('{jobId}', encodeURIComponent(jobId)));
      return {
        url: `${ctx.baseUrl}${url.pathname}${url.search}`,
        headers: { accept: 'application/json', ...(ctx.apiKey ? { [header]: `${prefix}${ctx.apiKey}` } : {}) },
      };
    },
    parse(jobId, body): StatusParseResult {
      if (!isObject(body)) return { kind: 'invalid', reason: 'status answer is not a JSON object' };
      const fields = extract(body, options.statusPaths ?? options.paths, options.statusMap, jobId);
      return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'status', fields };
    },
  };
}

function extract(body: object, paths: GenericOptions['paths'], statusMap: GenericOptions['statusMap'], fallbackJobId: string | undefined): NormalizedFields | string {
  const at = (p: string | readonly string[] | undefined) => (p === undefined ? undefined : firstPath(body, typeof p === 'string' ? [p] : p));
  const jobId = readId(at(paths.jobId)) ?? fallbackJobId;
  if (!jobId) return 'no job id';
  const vendorStatus = readString(at(paths.status)) ?? (typeof at(paths.status) === 'number' ? String(at(paths.status)) : null);
  const status = vendorStatus === null ? undefined : Object.prototype.hasOwnProperty.call(statusMap, vendorStatus) ? statusMap[vendorStatus] : undefined;
  if (!status) return `status ${JSON.stringify(vendorStatus)} is not in the status map`.slice(0, 120);
  const errorMessage = readString(at(paths.errorMessage));
  const errorCode = readString(at(paths.errorCode)) ?? (readNumber(at(paths.errorCode)) !== null ? String(at(paths.errorCode)) : null);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : readProgress(at(paths.progress)),
    stage: readString(at(paths.stage)),
    outputUrl: readString(at(paths.outputUrl)),
    media: null,
    error: status === 'failed' || errorMessage !== null ? { message: errorMessage ?? errorCode ?? status, code: errorCode } : null,
    vendorEventType: readString(at(paths.eventType)),
    vendorStatus,
    occurredAtMs: readTime(at(paths.time)),
    raw: body,
  };
}

/** Options come from user configuration: fail at cold start with a message that says what to fix. */
function validate(options: GenericOptions, id: string): void {
  const problem = (text: string) => new Error(`generic vendor ${id}: ${text}`);
  if (!options || !isObject(options as unknown)) throw problem('options are missing');
  if (!options.auth || (options.auth.type !== 'hmac' && options.auth.type !== 'bearer')) throw problem("auth.type must be 'hmac' or 'bearer'");
  if (options.auth.type === 'hmac') {
    if (!options.auth.signatureHeader) throw problem('auth.signatureHeader is required for hmac');
    const algorithm: unknown = options.auth.algorithm;
    if (algorithm !== undefined && algorithm !== 'sha256') throw problem(`auth.algorithm is ${JSON.stringify(algorithm)}: only 'sha256' is supported`);
    const tolerance: unknown = options.auth.toleranceSeconds;
    if (tolerance !== undefined && !(typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0)) {
      throw problem(`auth.toleranceSeconds is ${JSON.stringify(tolerance)}: use a number of seconds, at least 0`);
    }
    const encoding: unknown = options.auth.encoding;
    if (encoding !== undefined && encoding !== 'hex' && encoding !== 'base64') throw problem(`auth.encoding is ${JSON.stringify(encoding)}: use 'hex' or 'base64'`);
    const template = options.auth.template ?? '{body}';
    if (!template.includes('{body}')) throw problem(`auth.template ${JSON.stringify(template)} must contain {body}: a signature that does not cover the body would authenticate any body`);
    if (template.includes('{timestamp}') && !options.auth.timestampHeader) {
      throw problem('auth.template uses {timestamp}: set auth.timestampHeader');
    }
  }
  if (!options.paths?.jobId || !options.paths?.status) throw problem('paths.jobId and paths.status are required');
  for (const [name, paths] of [['paths', options.paths], ['statusPaths', options.statusPaths ?? {}]] as const) {
    for (const [key, path] of Object.entries(paths)) {
      const ok = typeof path === 'string' ? path !== '' : Array.isArray(path) && path.length > 0 && path.every((p) => typeof p === 'string' && p !== '');
      if (!ok) throw problem(`${name}.${key} is ${JSON.stringify(path)}: use a dotted path such as "data.id", or a list of them`);
    }
  }
  if (!isObject(options.statusMap as unknown)) throw problem(`statusMap is required: map each status word of the vendor to one of ${VIDEO_JOB_STATUSES.join(', ')}`);
  for (const [word, status] of Object.entries(options.statusMap)) {
    if (!(VIDEO_JOB_STATUSES as readonly string[]).includes(status)) throw problem(`statusMap.${word} is ${status}: use one of ${VIDEO_JOB_STATUSES.join(', ')}`);
  }
  if (options.statusUrlTemplate !== undefined) {
    if (!options.statusUrlTemplate.includes('{jobId}')) throw problem('statusUrlTemplate must contain {jobId}');
    try {
      new URL(options.statusUrlTemplate.replace('{jobId}', 'x'));
    } catch {
      throw problem(`statusUrlTemplate ${options.statusUrlTemplate} is not an absolute URL`);
    }
  }
}
