/**
 * Mux's status API: `GET https://api.mux.com/video/v1/assets/{ASSET_ID}`, HTTP Basic with an access
 * token's id and secret (https://www.mux.com/docs/core/make-api-requests), answered `{"data": Asset}`
 * (npm @mux/mux-node@15.3.0 assets.ts unwraps `data`). The apiKey secret holds both parts as
 * `<token id>:<token secret>`, what HTTP Basic encodes; a key without the `:` is refused before any
 * request (it could only be answered 401).
 */
import { isObject } from '../../core/json';
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { muxManifest } from './manifest';
import { normalizeAsset } from './normalize';

export const muxStatusApi = statusApi({
  defaultBaseUrl: muxManifest.statusApiBaseUrl,
  path: (id) => `/video/v1/assets/${id}`,
  keyHeader: 'authorization',
  keyPrefix: 'Basic ',
  keyValue: basicCredentials,
  parse: (jobId, body) => (isObject(body.data) ? asStatus(normalizeAsset(body.data, jobId, undefined, null, body.data)) : { kind: 'invalid', reason: 'no data object in the answer' }),
});

/** `<token id>:<token secret>` as HTTP Basic sends it (RFC 7617: base64 of the two joined by a colon). */
export function basicCredentials(apiKey: string): string {
  const colon = apiKey.indexOf(':');
  if (colon <= 0 || colon === apiKey.length - 1) {
    throw new Error('the Mux API key must be "<access token id>:<access token secret>" (both parts, joined by a colon): not polled');
  }
  return Buffer.from(apiKey, 'utf8').toString('base64');
}
