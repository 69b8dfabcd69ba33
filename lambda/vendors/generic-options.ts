/**
 * The generic adapter's options: the contract between `Vendor.custom({ adapterOptions })` at synth
 * time and the adapter at cold start. Types and a pure check only (no I/O), so the constructs may
 * import it.
 */
import { VIDEO_JOB_STATUSES, type VideoJobStatus } from '../core/event';
import { isObject } from './crypto';

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

/**
 * What is wrong with generic adapter options, as one sentence that says what to fix (starting with
 * the option's path, e.g. `auth.encoding is "base32": use 'hex' or 'base64'`); undefined when they
 * are fine. Pure: the adapter checks its options with it at cold start, the construct at synth.
 */
export function genericOptionsProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'options are missing';
  const options = input as unknown as GenericOptions;
  const auth: unknown = options.auth;
  if (!isObject(auth) || (auth.type !== 'hmac' && auth.type !== 'bearer')) return "auth.type must be 'hmac' or 'bearer'";
  if (auth.type === 'hmac') {
    if (typeof auth.signatureHeader !== 'string' || auth.signatureHeader.trim() === '') return 'auth.signatureHeader is required for hmac';
    if (auth.algorithm !== undefined && auth.algorithm !== 'sha256') return `auth.algorithm is ${JSON.stringify(auth.algorithm)}: only 'sha256' is supported`;
    const tolerance = auth.toleranceSeconds;
    if (tolerance !== undefined && !(typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0)) {
      return `auth.toleranceSeconds is ${JSON.stringify(tolerance)}: use a number of seconds, at least 0`;
    }
    if (auth.encoding !== undefined && auth.encoding !== 'hex' && auth.encoding !== 'base64') return `auth.encoding is ${JSON.stringify(auth.encoding)}: use 'hex' or 'base64'`;
    for (const name of ['template', 'timestampHeader', 'signaturePrefix'] as const) {
      if (auth[name] !== undefined && typeof auth[name] !== 'string') return `auth.${name} is ${JSON.stringify(auth[name])}: use a string`;
    }
    const template = (auth.template as string | undefined) ?? '{body}';
    if (!template.includes('{body}')) return `auth.template ${JSON.stringify(template)} must contain {body}: a signature that does not cover the body would authenticate any body`;
    if (template.includes('{timestamp}') && !auth.timestampHeader) return 'auth.template uses {timestamp}: set auth.timestampHeader';
  } else if (auth.header !== undefined && (typeof auth.header !== 'string' || auth.header.trim() === '')) {
    return `auth.header is ${JSON.stringify(auth.header)}: use a header name such as "authorization"`;
  }
  if (!isObject(options.paths) || !options.paths.jobId || !options.paths.status) return 'paths.jobId and paths.status are required';
  if (options.statusPaths !== undefined && !isObject(options.statusPaths)) return 'statusPaths must be an object of dotted paths, like paths';
  for (const [name, paths] of [['paths', options.paths], ['statusPaths', options.statusPaths ?? {}]] as const) {
    for (const [key, path] of Object.entries(paths)) {
      const ok = typeof path === 'string' ? path !== '' : Array.isArray(path) && path.length > 0 && path.every((p) => typeof p === 'string' && p !== '');
      if (!ok) return `${name}.${key} is ${JSON.stringify(path)}: use a dotted path such as "data.id", or a list of them`;
    }
  }
  if (!isObject(options.statusMap)) return `statusMap is required: map each status word of the vendor to one of ${VIDEO_JOB_STATUSES.join(', ')}`;
  for (const [word, status] of Object.entries(options.statusMap)) {
    if (!(VIDEO_JOB_STATUSES as readonly unknown[]).includes(status)) return `statusMap.${word} is ${String(status)}: use one of ${VIDEO_JOB_STATUSES.join(', ')}`;
  }
  const template: unknown = options.statusUrlTemplate;
  if (template !== undefined) {
    if (typeof template !== 'string' || !template.includes('{jobId}')) return 'statusUrlTemplate must contain {jobId}';
    if (!/^https?:\/\/[^/\s]+/i.test(template) || !URL.canParse(template.replace('{jobId}', 'x'))) {
      return `statusUrlTemplate ${template} is not an absolute http(s) URL`;
    }
  }
  for (const name of ['apiKeyHeader', 'apiKeyPrefix'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') return `${name} is ${JSON.stringify(options[name])}: use a string`;
  }
  return undefined;
}
