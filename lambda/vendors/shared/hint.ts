/**
 * An unsigned vendor's callback as a hint (core/hint.ts), the part every such vendor shares: the
 * callback URL's token checked in constant time against the vendor's secret (`?token=...`, the
 * value of its `webhookSecret`), then the body read for the one thing it is used for, the job id.
 * The token keeps strangers from making the pipeline parse bodies and write to the jobs table; it
 * does not make the body true (the vendor, or anyone who sees the URL, could send any body), so
 * nothing but the job id is read, and the status API says what happened.
 */
import type { AuthResult, NormalizeResult, RawRequest } from '../../core/adapter';
import { parseJsonObject, readId, readString, type JsonObject } from '../../core/json';
import { matchesAnyKey } from './crypto';

/** The query parameter the callback URL carries the token in, unless a vendor says otherwise. */
export const CALLBACK_TOKEN_PARAMETER = 'token';

/** The token of the callback URL (`?<parameter>=<token>`) against every accepted secret, in constant time. */
export function callbackTokenAuth(req: RawRequest, secrets: readonly string[], parameter: string = CALLBACK_TOKEN_PARAMETER): AuthResult {
  const presented = req.query?.[parameter];
  if (presented === undefined || presented.length === 0) return { ok: false, reason: 'missing_key' };
  return matchesAnyKey(presented, secrets) ? { ok: true, timestampMs: null } : { ok: false, reason: 'bad_key' };
}

/**
 * The callback as a hint: the job id `jobIdOf` reads from the JSON body (and the callback's status
 * word, for the log); a body that is not a JSON object, or names no job, is ignored (never
 * quarantined: it is no report, and the poller asks the status API about registered jobs anyway).
 */
export function callbackHint(req: RawRequest, jobIdOf: (body: JsonObject) => unknown, statusOf: (body: JsonObject) => unknown = () => null): NormalizeResult {
  const body = parseJsonObject(req.body);
  if (!body) return { kind: 'ignored', vendorEventType: null, reason: 'callback body is not a JSON object' };
  const jobId = readId(jobIdOf(body));
  if (jobId === undefined) return { kind: 'ignored', vendorEventType: null, reason: 'callback names no job id' };
  const status = statusOf(body);
  return { kind: 'hint', jobId, vendorStatus: readString(status) };
}

/** The query a sender puts on the callback URL for `token` (for `video-webhooks send` and the tests). */
export function callbackQuery(token: string, parameter: string = CALLBACK_TOKEN_PARAMETER): Record<string, string> {
  return { [parameter]: token };
}
