/**
 * Realistic fal webhooks, signed as fal signs them: with an Ed25519 private key (`signingKey`, the
 * pair of a key `FAL_JWKS_URL` serves locally), for the fal user id `secret`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { isObject, readId, safeJsonParse } from '../../core/json';
import { ed25519PrivateKey, signEd25519 } from '../shared/ed25519';
import type { VendorSamples } from '../module';
import { falScheme } from './adapter';

export const falSamples: VendorSamples = {
  payload: (event, id) => result(event, id),
  sign(body, secret, nowMs, signingKey) {
    const parsed = safeJsonParse(body);
    const requestId = (isObject(parsed) ? readId(parsed.request_id) : undefined) ?? `req_${nowMs.toString(36)}`;
    const key = ed25519PrivateKey(signingKey);
    return { 'content-type': 'application/json', ...signEd25519(falScheme(), body, { 'x-fal-webhook-request-id': requestId, 'x-fal-webhook-user-id': secret }, key, nowMs) };
  },
  // The "secret" is the fal user id the deliveries are for.
  secret: () => `github|${randomInt(1_000_000, 9_999_999)}`,
  jobId: (sequence) => (sequence === undefined ? randomUUID() : `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`),
  statusAnswer: (id) => ({ status: 'IN_PROGRESS', request_id: id, logs: null }),
};

function result(event: SampleEvent, id: string): Record<string, unknown> {
  if (event === 'completed') {
    return { request_id: id, gateway_request_id: id, status: 'OK', payload: { video: { url: `https://v3.fal.media/files/monkey/${id}/output.mp4`, content_type: 'video/mp4', file_name: 'output.mp4', file_size: 4_211_870 }, seed: 196619188 } };
  }
  return { request_id: id, gateway_request_id: id, status: 'ERROR', error: 'Invalid status code: 422', payload: { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] } };
}
