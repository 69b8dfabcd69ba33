/**
 * fal.ai. A request submitted with a webhook URL is POSTed there once, when done (OK or ERROR),
 * signed with Ed25519 by keys fal publishes as a JWKS. fal signs every customer's deliveries with
 * the same keys, so the signed `X-Fal-Webhook-User-Id` must be one of ours: the webhook secret holds
 * the fal user ids this deployment accepts. The body does not say which model ran, so polling (the
 * queue's status API) needs `modelId`; without it fal is webhook-only (fal retries a webhook 10
 * times over 2 hours, and the poller still expires a job that never reports).
 */
import type { AdapterPorts, NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import { parseJsonObject } from '../../core/json';
import { withDefaults } from '../../contract/options';
import { ed25519Verifier, type Ed25519Scheme } from '../shared/ed25519';
import { asEvent } from '../shared/results';
import { falManifest } from './manifest';
import { normalizeResult } from './normalize';
import { falStatusApi } from './status-api';

export interface FalOptions {
  /**
   * fal's JWKS.
   * @default 'https://rest.alpha.fal.ai/.well-known/jwks.json'
   */
  readonly jwksUrl?: string;
  /**
   * Largest accepted distance between `X-Fal-Webhook-Timestamp` and now, either way.
   * @default 300
   */
  readonly timestampToleranceSeconds?: number;
  /** The model's owner/alias (`fal-ai/kling-video`): turns polling on. @default - webhook only */
  readonly modelId?: string;
  /** Dotted paths to the output URL in the model's result. @default FAL_OUTPUT_URL_FIELDS */
  readonly outputUrlFields?: readonly string[];
}

/** fal's signature scheme, as its sample code checks it. */
export function falScheme(options: Pick<FalOptions, 'jwksUrl' | 'timestampToleranceSeconds'> = {}): Ed25519Scheme {
  return {
    jwksUrl: options.jwksUrl ?? falManifest.options.properties.jwksUrl.default,
    signatureHeader: 'x-fal-webhook-signature',
    encoding: 'hex',
    timestampHeader: 'x-fal-webhook-timestamp',
    toleranceSeconds: options.timestampToleranceSeconds ?? falManifest.timestampToleranceSeconds,
    window: 'either-way',
    accountHeader: 'x-fal-webhook-user-id',
    template: '{header:x-fal-webhook-request-id}\n{header:x-fal-webhook-user-id}\n{timestamp}\n{bodySha256Hex}',
  };
}

export function falAdapter(options: FalOptions = {}, id = 'fal', ports: AdapterPorts = {}): VendorAdapter {
  const o = withDefaults(falManifest.options, options) as FalOptions & { readonly outputUrlFields: readonly string[] };
  const verifier = ed25519Verifier(falScheme(o), ports);
  return {
    id,
    authHeaders: verifier.authHeaders,
    authenticate: verifier.authenticate,
    authenticateAsync: verifier.authenticateAsync,
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const fields = normalizeResult(body, o.outputUrlFields);
      return asEvent(typeof fields === 'string' ? fields : { ...fields, occurredAtMs: auth.timestampMs });
    },
    statusApi: o.modelId ? falStatusApi(o.modelId, o.outputUrlFields) : undefined,
  };
}
