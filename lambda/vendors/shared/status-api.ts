/**
 * A status API under a base URL, the shape every vendor's has: `GET <base><path>` with the key in a
 * header, answered with a JSON object. The path and the parsing are the vendor's; the rest is here,
 * including the one check that a job id cannot change which path is asked (see `statusRequest`).
 */
import type { StatusHttpRequest, StatusParseResult, StatusRequestContext, VendorStatusApi } from '../../core/adapter';
import { isObject, type JsonObject } from '../../core/json';

export interface StatusApiSpec {
  readonly defaultBaseUrl: string | undefined;
  /** The path (and query) of a job's status, given its URL-encoded id: `/v2/generate/${id}`. */
  readonly path: (encodedJobId: string) => string;
  /** The header the status-API key goes in, and the text before the key. */
  readonly keyHeader: string;
  readonly keyPrefix?: string;
  /**
   * What the key becomes in the header (HTTP Basic's base64 of `id:secret`, say); throws, saying
   * why, for a key that cannot be sent (the job is then not polled). @default - the key as it is
   */
  readonly keyValue?: (apiKey: string) => string;
  /** Headers every request carries besides the key, e.g. an API version. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Reads a JSON object answer. */
  readonly parse: (jobId: string, body: JsonObject, ctx: StatusRequestContext) => StatusParseResult;
}

export function statusApi(spec: StatusApiSpec): VendorStatusApi {
  return {
    defaultBaseUrl: spec.defaultBaseUrl,
    request: (jobId, ctx) => {
      // An empty id would ask for the collection (`/v2/generate/`), not a job.
      if (jobId.length === 0) throw new Error('job id is empty: not polled');
      return statusRequest(spec, ctx, spec.path(encodeURIComponent(jobId)), jobId);
    },
    parse: (jobId, body, ctx) => (isObject(body) ? spec.parse(jobId, body, ctx) : { kind: 'invalid', reason: 'status answer is not a JSON object' }),
  };
}

/**
 * A GET of `path` under the base URL with the key header (for follow-up requests too). Throws when
 * the URL would be asked at another path than the one written: the URL parser resolves dot
 * segments (`.`, `..`, and `%2e`, `.%2E`, ... spelt any way), so a job id `..` would turn
 * `/v2/generate/..` into `/v2/` and the key would go to another endpoint, whose answer would be
 * published as the job's status. The poller never polls such a job (it expires at the give-up age).
 */
export function statusRequest(spec: Pick<StatusApiSpec, 'keyHeader' | 'keyPrefix' | 'keyValue' | 'headers'>, ctx: StatusRequestContext, path: string, jobId?: string): StatusHttpRequest {
  const url = `${ctx.baseUrl}${path}`;
  const changed = changedPath(ctx.baseUrl, path);
  if (changed) {
    const subject = jobId === undefined ? 'this request' : `job id ${JSON.stringify(jobId).slice(0, 100)}`;
    throw new Error(`${subject} would change the status URL's path from ${JSON.stringify(changed.written).slice(0, 200)} to ${JSON.stringify(changed.asked).slice(0, 200)}: not polled`);
  }
  return {
    url,
    headers: { accept: 'application/json', ...spec.headers, ...(ctx.apiKey ? { [spec.keyHeader]: `${spec.keyPrefix ?? ''}${spec.keyValue ? spec.keyValue(ctx.apiKey) : ctx.apiKey}` } : {}) },
  };
}

/** The path `base + path` is written with, and the one it would be asked at, when they differ (or the origin does). */
function changedPath(baseUrl: string, path: string): { readonly written: string; readonly asked: string } | undefined {
  const base = new URL(baseUrl);
  const url = new URL(`${baseUrl}${path}`);
  const written = `${base.pathname.replace(/\/$/, '')}${path.split(/[?#]/, 1)[0]}`;
  if (url.origin !== base.origin) return { written, asked: `${url.origin}${url.pathname}` };
  return url.pathname === written ? undefined : { written, asked: url.pathname };
}
