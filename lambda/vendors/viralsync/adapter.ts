/**
 * ViralSync render API. Webhooks: `x-render-signature` = hex HMAC-SHA256 of the raw body with the
 * webhook secret; one JSON job object per event, told apart by `status` (running, done, failed,
 * cancelled). Progress events may arrive out of order (the delivery core never moves a job back).
 */
import type { NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import { parseJsonObject } from '../../core/json';
import { withDefaults } from '../../contract/options';
import { verifyHmac, type HmacScheme } from '../shared/hmac';
import { asEvent } from '../shared/results';
import { viralsyncManifest } from './manifest';
import { normalizeJob } from './normalize';
import { viralsyncStatusApi } from './status-api';

export interface ViralSyncOptions {
  /**
   * Header carrying the signature.
   * @default 'x-render-signature'
   */
  readonly signatureHeader?: string;
  /**
   * Header the status API key is sent in. ViralSync documents no auth for `GET /v1/jobs/{jobId}`:
   * the default is a guess, hence configurable.
   * @default 'authorization'
   */
  readonly statusApiKeyHeader?: string;
  /**
   * Text before the key in that header.
   * @default 'Bearer '
   */
  readonly statusApiKeyPrefix?: string;
}

/** ViralSync's signature: hex HMAC of the raw body, optionally written as `sha256=<hex>`. */
export function viralsyncScheme(signatureHeader: string = viralsyncManifest.options.properties.signatureHeader.default): HmacScheme {
  return {
    signatureHeaders: [signatureHeader.trim().toLowerCase()],
    signatures: { kind: 'list', read: /^(?:sha256=)?([\s\S]*)$/i },
    encoding: 'hex',
    template: '{body}',
  };
}

export function viralsyncAdapter(options: ViralSyncOptions = {}, id = 'viralsync'): VendorAdapter {
  const o = withDefaults(viralsyncManifest.options, options) as Required<ViralSyncOptions>;
  const scheme = viralsyncScheme(o.signatureHeader);
  return {
    id,
    authHeaders: [...scheme.signatureHeaders],
    authenticate: (req, secrets, nowMs) => verifyHmac(scheme, req, secrets, nowMs),
    normalize(req: RawRequest): NormalizeResult {
      const body = parseJsonObject(req.body);
      return body ? asEvent(normalizeJob(body, undefined)) : { kind: 'invalid', reason: 'body is not a JSON object' };
    },
    statusApi: viralsyncStatusApi(o.statusApiKeyHeader.trim().toLowerCase(), o.statusApiKeyPrefix),
  };
}
