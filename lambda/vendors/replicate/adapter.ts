/**
 * Replicate. Webhooks are Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`,
 * the `whsec_` secret's base64 the key) and carry the prediction object, whose `status` is the only
 * sign of which event it is. Only the final webhook is retried, so polling covers lost progress and,
 * for a final one lost after its retries, the result.
 */
import type { NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import { parseJsonObject } from '../../core/json';
import { hmacAuth } from '../shared/hmac';
import { asEvent } from '../shared/results';
import { standardWebhooksScheme } from '../shared/standard-webhooks';
import { replicateManifest } from './manifest';
import { normalizePrediction } from './normalize';
import { replicateStatusApi } from './status-api';

export interface ReplicateOptions {
  /**
   * Largest accepted distance between `webhook-timestamp` and now, either way.
   * @default 300
   */
  readonly timestampToleranceSeconds?: number;
}

export function replicateAdapter(options: ReplicateOptions = {}, id = 'replicate'): VendorAdapter {
  const scheme = standardWebhooksScheme(options.timestampToleranceSeconds ?? replicateManifest.timestampToleranceSeconds);
  return {
    id,
    ...hmacAuth(scheme),
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = normalizePrediction(body, undefined);
      return asEvent(typeof fields === 'string' ? fields : { ...fields, occurredAtMs: fields.occurredAtMs ?? auth.timestampMs });
    },
    statusApi: replicateStatusApi,
  };
}
