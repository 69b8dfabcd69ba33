/**
 * Sync (sync.so). Webhooks carry the generation object and a `Sync-Signature: t=<unix>,v1=<hex>`
 * header: hex HMAC-SHA256 of `<t>.<raw body>` keyed with the signing secret (its `whsec_` prefix
 * included). Only final statuses are sent and never retried, so the poller matters most here.
 */
import type { AuthResult, NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import { isObject, parseJsonObject, readString, type JsonObject } from '../../core/json';
import { verifyHmac, type HmacScheme } from '../shared/hmac';
import { keyedHeaderScheme } from '../shared/keyed-header';
import { asEvent } from '../shared/results';
import { syncManifest } from './manifest';
import { normalizeGeneration } from './normalize';
import { syncStatusApi } from './status-api';

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

/**
 * Sync's signature scheme, a keyed header `t=<unix>,v1=<hex>` (the payload reference names the
 * header `X-Signature-Primary`: read too). Sync documents no tolerance: checked either way.
 */
export function syncScheme(toleranceSeconds: number = syncManifest.timestampToleranceSeconds): HmacScheme {
  return keyedHeaderScheme({ headers: ['sync-signature', 'x-signature-primary'], scheme: 'v1', toleranceSeconds, window: 'either-way' });
}

/**
 * A batch's status webhook (`POST /v2/batch` with `webhook_url`: "a POST request will be sent when
 * the batch completes or fails", https://sync.so/docs/api-reference/api/webhooks-payload-reference/webhooks/batch-status-update),
 * signed as generations are: `{id: "batch_...", status, metrics: {total, success, failed, pending
 * counts}, outputUrl, ...}` (the reference spells its fields both camelCase and snake_case). It
 * names no generation: their results are in the batch's JSONL result file (`outputUrl`, a redirect
 * to a signed URL). So it is answered 202 and ignored with the reason, never read as a generation
 * (its `COMPLETED` would have made a job of the batch) nor quarantined (its `JOBS_CREATED` is no
 * generation status). A batch has `metrics`, which a generation never has; its ids start `batch_`.
 */
function isBatch(body: JsonObject): boolean {
  return isObject(body.metrics) || (typeof body.id === 'string' && body.id.startsWith('batch_')) || body.status === 'JOBS_CREATED';
}

/**
 * The Sync adapter. `vendorEventType` is always null: Sync webhooks have no event type, only the
 * generation's `status` (which is `vendorStatus`); the time is the signed `t` (the body has none).
 */
export function syncAdapter(options: SyncOptions = {}, id = 'sync'): VendorAdapter {
  const scheme = syncScheme(options.timestampToleranceSeconds);
  return {
    id,
    authHeaders: [...scheme.signatureHeaders],
    authenticate(req: RawRequest, secrets: readonly string[], nowMs: number): AuthResult {
      const result = verifyHmac(scheme, req, secrets, nowMs);
      if (result.ok || result.reason !== 'bad_signature' || !options.compactJsonFallback) return result;
      const object = parseJsonObject(req.body);
      return object ? verifyHmac(scheme, { headers: req.headers, body: Buffer.from(JSON.stringify(object)) }, secrets, nowMs) : result;
    },
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      if (isBatch(body)) {
        const status = readString(body.status);
        return { kind: 'ignored', vendorEventType: `batch ${status ?? 'status'}`, reason: `a batch status webhook (batch ${String(body.id).slice(0, 100)}): its generations' results are in the batch's result file, not in the webhook; each generation is a job of its own` };
      }
      return asEvent(normalizeGeneration(body, undefined, auth.timestampMs));
    },
    statusApi: syncStatusApi,
  };
}
