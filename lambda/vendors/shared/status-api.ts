/**
 * A status API under a base URL, the shape every vendor's has: `GET <base><path>` with the key in a
 * header, answered with a JSON object. The path and the parsing are the vendor's; the rest is here.
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
  /** Reads a JSON object answer. */
  readonly parse: (jobId: string, body: JsonObject, ctx: StatusRequestContext) => StatusParseResult;
}

export function statusApi(spec: StatusApiSpec): VendorStatusApi {
  return {
    defaultBaseUrl: spec.defaultBaseUrl,
    request: (jobId, ctx) => statusRequest(spec, ctx, spec.path(encodeURIComponent(jobId))),
    parse: (jobId, body, ctx) => (isObject(body) ? spec.parse(jobId, body, ctx) : { kind: 'invalid', reason: 'status answer is not a JSON object' }),
  };
}

/** A GET of `path` under the base URL with the key header (for follow-up requests too). */
export function statusRequest(spec: Pick<StatusApiSpec, 'keyHeader' | 'keyPrefix'>, ctx: StatusRequestContext, path: string): StatusHttpRequest {
  return {
    url: `${ctx.baseUrl}${path}`,
    headers: { accept: 'application/json', ...(ctx.apiKey ? { [spec.keyHeader]: `${spec.keyPrefix ?? ''}${ctx.apiKey}` } : {}) },
  };
}
