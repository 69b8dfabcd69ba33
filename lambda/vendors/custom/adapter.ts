/**
 * A custom vendor: one described by options instead of code, so users can add one without
 * forking. Authentication is the shared HMAC-SHA256 scheme, configured by the options (a template
 * of the timestamp and the raw body, hex or base64), as a keyed header (`t=...,v1=...`) or as
 * Standard Webhooks; Ed25519 signatures checked with a JWKS; a static key in a header; or none
 * (unsigned callbacks as hints, or poll only). Fields are read by dotted JSON paths.
 */
import type { AdapterPorts, AuthResult, NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import type { NormalizedFields } from '../../core/event';
import { firstPath, ownValue, parseJsonObject, readId, readNumber, readProgress, readString, readTime } from '../../core/json';
import { matchesAnyKey } from '../shared/crypto';
import { callbackHint, callbackQuery, callbackTokenAuth } from '../shared/hint';
import { hmacHeaders, signHmac, verifyHmac, type HmacScheme } from '../shared/hmac';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { ed25519PrivateKey, ed25519Verifier, signEd25519, type Ed25519Scheme } from '../shared/ed25519';
import { keyedHeaderScheme } from '../shared/keyed-header';
import type {
  CustomEd25519JwksAuth,
  CustomHmacAuth,
  CustomKeyAuth,
  CustomKeyedHeaderAuth,
  CustomOptions,
  CustomPaths,
  CustomStandardWebhooksAuth,
  CustomUnsignedHintAuth,
} from './options';
import { customManifest } from './manifest';
import { standardWebhooksScheme } from '../shared/standard-webhooks';

const CUSTOM_OPTIONS = customManifest.options.properties;
const AUTH_VARIANTS = CUSTOM_OPTIONS.auth.variants;

/** The adapter for `options` (checked against ./manifest.ts's spec first: see the registry). */
export function customAdapter(options: CustomOptions, id: string, ports: AdapterPorts = {}): VendorAdapter {
  const auth = options.auth;
  const statusApi = options.statusUrlTemplate ? customStatusApi(options, options.statusUrlTemplate) : undefined;
  if (auth.type === 'unsigned-hint' || auth.type === 'poll-only') return unsignedAdapter(options, auth, id, statusApi);
  const keys = auth.type === 'ed25519-jwks' ? ed25519Verifier(ed25519SchemeOf(auth), ports) : undefined;
  const scheme = auth.type === 'bearer' || auth.type === 'ed25519-jwks' ? undefined : hmacSchemeOf(auth);
  return {
    id,
    // A static key is never kept in the quarantine (its readers could forge events with it).
    authHeaders: keys ? keys.authHeaders : scheme ? hmacHeaders(scheme) : [],
    authenticate: (req, secrets, nowMs) => (keys ? keys.authenticate(req, secrets, nowMs) : scheme ? verifyHmac(scheme, req, secrets, nowMs) : keyAuth(auth as CustomKeyAuth, req, secrets)),
    ...(keys ? { authenticateAsync: keys.authenticateAsync } : {}),
    normalize(req: RawRequest, authResult): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = extract(body, options.paths, options.statusMap, undefined);
      if (typeof fields === 'string') return { kind: 'invalid', reason: fields };
      return { kind: 'event', fields: { ...fields, occurredAtMs: fields.occurredAtMs ?? authResult.timestampMs } };
    },
    statusApi,
  };
}

/**
/**
 * A vendor whose callbacks are unsigned (each a hint: only `paths.jobId` is read) or that sends none
 * (poll only). Either way its events come from the status API alone.
 */
function unsignedAdapter(options: CustomOptions, auth: CustomUnsignedHintAuth | { readonly type: 'poll-only' }, id: string, statusApi: VendorAdapter['statusApi']): VendorAdapter {
  const paths = options.paths;
  const at = (body: object, p: string | readonly string[] | undefined) => (p === undefined ? undefined : firstPath(body, typeof p === 'string' ? [p] : p));
  return {
    id,
    reports: auth.type === 'poll-only' ? 'poll' : 'hint',
    authHeaders: [],
    // A poll-only vendor has no route (core/webhook.ts answers 404 before this).
    authenticate: (req, secrets) => (auth.type === 'unsigned-hint' ? callbackTokenAuth(req, secrets, auth.tokenParameter) : { ok: false, reason: 'missing_key' }),
    normalize: (req) => callbackHint(req, (body) => at(body, paths.jobId), (body) => at(body, paths.status)),
    statusApi,
  };
}

/** The query a sender of this custom vendor puts on its callback URL (for `video-webhooks send`); none for a signed vendor. */
export function customCallbackQuery(options: CustomOptions, secret: string): Record<string, string> {
  return options.auth.type === 'unsigned-hint' ? callbackQuery(secret, options.auth.tokenParameter) : {};
}

/**
 * The headers a sender of this custom vendor sends with `body` (for `video-webhooks send`). A
 * public-key vendor signs with `signingKey` (an Ed25519 private key, PEM or JWK), for the account
 * `secret`; the other headers its template signs get a message id. An unsigned vendor signs
 * nothing: its token goes in the URL (customCallbackQuery).
 */
export function signCustomRequest(options: CustomOptions, body: string, secret: string, nowMs: number, signingKey?: string): Record<string, string> {
  const auth = options.auth;
  if (auth.type === 'unsigned-hint' || auth.type === 'poll-only') return { 'content-type': 'application/json' };
  let headers: Record<string, string>;
  if (auth.type === 'bearer') headers = { [keyHeaderOf(auth)]: keyHeaderOf(auth) === 'authorization' ? `Bearer ${secret}` : secret };
  else if (auth.type === 'ed25519-jwks') {
    const scheme = ed25519SchemeOf(auth);
    const named = [...auth.template.matchAll(/\{header:([^}]+)\}/g)].map((m) => m[1].trim().toLowerCase());
    const values = Object.fromEntries([...named, ...(scheme.keyIdHeader ? [scheme.keyIdHeader] : [])].map((name) => [name, `msg_${nowMs.toString(36)}`]));
    headers = signEd25519(scheme, body, { ...values, [scheme.accountHeader]: secret }, ed25519PrivateKey(signingKey), nowMs);
  } else headers = signHmac(hmacSchemeOf(auth), body, secret, nowMs);
  return { 'content-type': 'application/json', ...headers };
}

/** The shared HMAC scheme as a custom vendor's `auth` configures it. */
export function hmacSchemeOf(auth: CustomHmacAuth | CustomKeyedHeaderAuth | CustomStandardWebhooksAuth): HmacScheme {
  if (auth.type === 'standard-webhooks') return standardWebhooksScheme(auth.toleranceSeconds ?? AUTH_VARIANTS['standard-webhooks'].properties.toleranceSeconds.default);
  if (auth.type === 'keyed-header') {
    const spec = AUTH_VARIANTS['keyed-header'].properties;
    return keyedHeaderScheme({
      headers: [auth.header],
      scheme: auth.scheme ?? spec.scheme.default,
      toleranceSeconds: auth.toleranceSeconds ?? spec.toleranceSeconds.default,
      window: auth.window ?? spec.window.default,
    });
  }
  const prefix = auth.signaturePrefix ?? '';
  return {
    signatureHeaders: [auth.signatureHeader.toLowerCase()],
    signatures: { kind: 'list', read: new RegExp(`^${escapeRegExp(prefix)}([\\s\\S]*)$`), write: prefix },
    encoding: auth.encoding ?? 'hex',
    template: auth.template ?? '{body}',
    timestampHeaders: auth.timestampHeader ? [auth.timestampHeader.toLowerCase()] : [],
    toleranceSeconds: auth.toleranceSeconds ?? 300,
  };
}

/** The shared Ed25519 scheme as a custom vendor's `auth` configures it. */
export function ed25519SchemeOf(auth: CustomEd25519JwksAuth): Ed25519Scheme {
  const spec = AUTH_VARIANTS['ed25519-jwks'].properties;
  return {
    jwksUrl: auth.jwksUrl,
    signatureHeader: auth.signatureHeader.toLowerCase(),
    encoding: auth.encoding ?? spec.encoding.default,
    timestampHeader: auth.timestampHeader.toLowerCase(),
    toleranceSeconds: auth.toleranceSeconds ?? spec.toleranceSeconds.default,
    window: auth.window ?? spec.window.default,
    accountHeader: auth.accountHeader.toLowerCase(),
    template: auth.template,
    keyIdHeader: auth.keyIdHeader?.toLowerCase(),
  };
}

function keyHeaderOf(auth: CustomKeyAuth): string {
  return (auth.header ?? 'authorization').toLowerCase();
}

function keyAuth(auth: CustomKeyAuth, req: RawRequest, keys: readonly string[]): AuthResult {
  const value = req.headers[keyHeaderOf(auth)]?.trim();
  if (!value) return { ok: false, reason: 'missing_key' };
  const presented = value.replace(/^Bearer\s+/i, '');
  return matchesAnyKey(presented, keys) ? { ok: true, timestampMs: null } : { ok: false, reason: 'bad_key' };
}

function customStatusApi(options: CustomOptions, template: string) {
  // The template is absolute; the base URL is the part before the path, so it can be overridden.
  // Its path is parsed once with a placeholder for the id, and the id put in as text afterwards: a
  // URL parsed with the id in it would already have resolved a dot-segment id (`..`) to another
  // path, which the shared helper could then no longer see.
  const parsed = new URL(template.split('{jobId}').join(JOB_ID_PLACEHOLDER));
  const pathTemplate = `${parsed.pathname}${parsed.search}`;
  return statusApi({
    defaultBaseUrl: parsed.origin,
    path: (id) => pathTemplate.split(JOB_ID_PLACEHOLDER).join(id),
    keyHeader: (options.apiKeyHeader ?? CUSTOM_OPTIONS.apiKeyHeader.default).toLowerCase(),
    keyPrefix: options.apiKeyPrefix ?? CUSTOM_OPTIONS.apiKeyPrefix.default,
    parse: (jobId, body) => asStatus(extract(body, (options.statusPaths ?? options.paths) as CustomPaths, options.statusMap, jobId)),
  });
}

/** Stands for `{jobId}` while the template is parsed: letters and digits the URL parser leaves as they are. */
const JOB_ID_PLACEHOLDER = 'vwjobid7f3a9c1e';

function extract(body: object, paths: CustomPaths, statusMap: CustomOptions['statusMap'], fallbackJobId: string | undefined): NormalizedFields | string {
  const at = (p: string | readonly string[] | undefined) => (p === undefined ? undefined : firstPath(body, typeof p === 'string' ? [p] : p));
  const jobId = readId(at(paths.jobId)) ?? fallbackJobId;
  if (!jobId) return 'no job id';
  const vendorStatus = readString(at(paths.status)) ?? (typeof at(paths.status) === 'number' ? String(at(paths.status)) : null);
  const status = vendorStatus === null ? undefined : ownValue(statusMap, vendorStatus);
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
