/**
 * The generic adapter: a vendor described by options instead of code, so users can add one
 * without forking. Authentication is an HMAC-SHA256 over a template of the timestamp and the
 * raw body (hex or base64), or a static key in a header; fields are read by dotted JSON paths.
 */
import type { NormalizedFields } from '../core/event';
import { firstPath, fromBase64, fromHex, isObject, matchesAnyKey, matchesAnySecret, parseJsonObject, parseUnixSeconds, readId, readNumber, readProgress, readString, readTime, withinTolerance } from './crypto';
import { genericOptionsProblem, type GenericHmacAuth, type GenericKeyAuth, type GenericOptions } from './generic-options';

export type { GenericHmacAuth, GenericKeyAuth, GenericOptions } from './generic-options';
import type { AuthResult, NormalizeResult, RawRequest, StatusParseResult, VendorAdapter, VendorStatusApi } from './types';

export function genericAdapter(options: GenericOptions, id: string): VendorAdapter {
  const problem = genericOptionsProblem(options);
  if (problem) throw new Error(`generic vendor ${id}: ${problem}`);
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
