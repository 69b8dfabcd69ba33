/**
 * ElevenLabs (dubbing). Workspace webhooks, `{type, event_timestamp, data}` signed with
 * `ElevenLabs-Signature: t=<unix>,v0=<hex>`. A job is a language target of a Dubbing Project:
 * `dubbing_language_completed` and `dubbing_language_failed` are its final events. Project events
 * (`dubbing_project_ready|failed`: every language gets its own event too) and the workspace's other
 * events (agents, speech to text, ...) are answered 202 and ignored, with the reason. Retries are off
 * by default: a lost webhook is found by polling the registered job.
 */
import type { NormalizeResult, RawRequest, VendorAdapter } from '../../core/adapter';
import type { VideoJobStatus } from '../../core/event';
import { isObject, ownValue, parseJsonObject, readNumber, readString } from '../../core/json';
import { hmacAuth, type HmacScheme } from '../shared/hmac';
import { keyedHeaderScheme } from '../shared/keyed-header';
import { asEvent } from '../shared/results';
import { elevenlabsManifest } from './manifest';
import { normalizeLanguage } from './normalize';
import { elevenlabsStatusApi } from './status-api';

export interface ElevenLabsOptions {
  /**
   * How old the signed `t` may be. Checked for the past only, as ElevenLabs' SDK does.
   * @default 1800
   */
  readonly timestampToleranceSeconds?: number;
}

/** ElevenLabs' signature: the keyed header `ElevenLabs-Signature`, `v0`, past only. */
export function elevenlabsScheme(toleranceSeconds: number = elevenlabsManifest.timestampToleranceSeconds): HmacScheme {
  return keyedHeaderScheme({ headers: ['elevenlabs-signature'], scheme: 'v0', toleranceSeconds, window: 'past-only' });
}

const LANGUAGE_EVENTS: Readonly<Record<string, VideoJobStatus>> = {
  dubbing_language_completed: 'succeeded',
  dubbing_language_failed: 'failed',
};

export function elevenlabsAdapter(options: ElevenLabsOptions = {}, id = 'elevenlabs'): VendorAdapter {
  const scheme = elevenlabsScheme(options.timestampToleranceSeconds);
  return {
    id,
    ...hmacAuth(scheme),
    normalize(req: RawRequest, auth): NormalizeResult {
      const body = parseJsonObject(req.body);
      if (!body) return { kind: 'invalid', reason: 'body is not a JSON object' };
      const type = readString(body.type);
      if (!type) return { kind: 'invalid', reason: 'no event type' };
      const status = ownValue(LANGUAGE_EVENTS, type);
      if (!status) return { kind: 'ignored', vendorEventType: type, reason: `event type ${type} is not a dubbing language's final event` };
      if (!isObject(body.data)) return { kind: 'invalid', reason: 'no data object' };
      const fields = normalizeLanguage(body.data, type, status, body);
      if (typeof fields === 'string') return asEvent(fields);
      // `event_timestamp` is documented as a string and shown as a Unix number: both read.
      const sent = readNumber(body.event_timestamp);
      return asEvent({ ...fields, occurredAtMs: fields.occurredAtMs ?? (sent === null ? auth.timestampMs : sent * 1000) });
    },
    statusApi: elevenlabsStatusApi,
  };
}
