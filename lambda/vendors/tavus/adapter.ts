/**
 * Tavus: unsigned callbacks (the video POSTed to the request's `callback_url`), each only a hint
 * for the status API (core/hint.ts). The callback URL carries the webhook secret as a token; only
 * `video_id` is read from the body.
 */
import type { VendorAdapter } from '../../core/adapter';
import { withDefaults } from '../../contract/options';
import { callbackHint, callbackTokenAuth } from '../shared/hint';
import { tavusManifest } from './manifest';
import { tavusStatusApi } from './status-api';

export interface TavusOptions {
  /**
   * The callback URL's query parameter that carries the token.
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function tavusAdapter(options: TavusOptions = {}, id = 'tavus'): VendorAdapter {
  const o = withDefaults(tavusManifest.options, options) as Required<TavusOptions>;
  return {
    id,
    reports: 'hint',
    authHeaders: [],
    authenticate: (req, secrets) => callbackTokenAuth(req, secrets, o.tokenParameter),
    normalize: (req) => callbackHint(req, (body) => body.video_id, (body) => body.status),
    statusApi: tavusStatusApi(),
  };
}
