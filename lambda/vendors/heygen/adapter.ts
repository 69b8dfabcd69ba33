/**
 * HeyGen: the per-job `callback_url` deliveries are unsigned (HeyGen says so), each only a hint for
 * the status API (core/hint.ts). The callback URL carries the webhook secret as a token; only
 * `event_data.video_id` is read from the body.
 */
import type { VendorAdapter } from '../../core/adapter';
import { isObject } from '../../core/json';
import { withDefaults } from '../../contract/options';
import { callbackHint, callbackTokenAuth } from '../shared/hint';
import { heygenManifest } from './manifest';
import { heygenStatusApi } from './status-api';

export interface HeyGenOptions {
  /**
   * The callback URL's query parameter that carries the token.
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function heygenAdapter(options: HeyGenOptions = {}, id = 'heygen'): VendorAdapter {
  const o = withDefaults(heygenManifest.options, options) as Required<HeyGenOptions>;
  return {
    id,
    reports: 'hint',
    authHeaders: [],
    authenticate: (req, secrets) => callbackTokenAuth(req, secrets, o.tokenParameter),
    normalize: (req) => callbackHint(req, (body) => (isObject(body.event_data) ? body.event_data.video_id : undefined) ?? body.video_id, (body) => body.event_type),
    statusApi: heygenStatusApi(),
  };
}
