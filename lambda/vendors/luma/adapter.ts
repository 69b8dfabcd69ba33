/**
 * Luma Dream Machine: unsigned callbacks (the Generation object POSTed to the request's
 * `callback_url`), each only a hint for the status API (core/hint.ts). The callback URL carries the
 * webhook secret as a token; only the generation's `id` is read from the body.
 */
import type { VendorAdapter } from '../../core/adapter';
import { withDefaults } from '../../contract/options';
import { callbackHint, callbackTokenAuth } from '../shared/hint';
import { lumaManifest } from './manifest';
import { lumaStatusApi } from './status-api';

export interface LumaOptions {
  /**
   * The callback URL's query parameter that carries the token.
   * @default 'token'
   */
  readonly tokenParameter?: string;
}

export function lumaAdapter(options: LumaOptions = {}, id = 'luma'): VendorAdapter {
  const o = withDefaults(lumaManifest.options, options) as Required<LumaOptions>;
  return {
    id,
    reports: 'hint',
    authHeaders: [],
    authenticate: (req, secrets) => callbackTokenAuth(req, secrets, o.tokenParameter),
    normalize: (req) => callbackHint(req, (body) => body.id, (body) => body.state),
    statusApi: lumaStatusApi(),
  };
}
