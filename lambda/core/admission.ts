/**
 * What an authenticated request goes through before it may become an event, on arrival
 * (core/webhook.ts) and on a quarantine replay (core/quarantine-replay.ts) alike: the nesting
 * checked before parsing, the adapter's normalization, the job id checked as a key, the reason of
 * an invalid request bounded (it may quote the payload).
 */
import type { AuthResult, NormalizeResult, RawRequest, VendorAdapter } from './adapter';
import { boundText, jobIdProblem } from './bounds';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json';

/** A quarantine reason's characters at most. */
const MAX_REASON_CHARS = 256;

/**
 * Normalizes an authenticated request within the bounds: what the bounds refuse is `invalid`
 * (quarantined), except for an unsigned callback (`reports: 'hint'`), which is no report: whatever
 * is wrong with it, it is `ignored` and kept nowhere (core/hint.ts), or anyone who sees the
 * callback URL could fill the quarantine.
 */
export function normalizeWithinBounds(adapter: Pick<VendorAdapter, 'normalize' | 'reports'>, request: RawRequest, auth: Extract<AuthResult, { ok: true }>): NormalizeResult {
  const normalized = boundedNormalize(adapter, request, auth);
  if (normalized.kind === 'invalid' && adapter.reports === 'hint') return { kind: 'ignored', vendorEventType: null, reason: `unusable callback: ${normalized.reason}` };
  return normalized;
}

function boundedNormalize(adapter: Pick<VendorAdapter, 'normalize'>, request: RawRequest, auth: Extract<AuthResult, { ok: true }>): NormalizeResult {
  // Bounded before it is paid: a deep tree would be built by JSON.parse and break JSON.stringify.
  if (nestsDeeperThan(request.body)) return { kind: 'invalid', reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  const normalized = adapter.normalize(request, auth);
  if (normalized.kind === 'invalid') return { kind: 'invalid', reason: boundText(normalized.reason, MAX_REASON_CHARS) };
  // An id SQS or DynamoDB would refuse would fail every retry: kept for a person instead.
  const idProblem = normalized.kind === 'event' ? jobIdProblem(normalized.fields.jobId) : normalized.kind === 'hint' ? jobIdProblem(normalized.jobId) : undefined;
  // A hint's body is not a report: one naming no usable job is ignored, never kept (core/hint.ts).
  if (idProblem && normalized.kind === 'hint') return { kind: 'ignored', vendorEventType: null, reason: `callback names no usable job id: ${idProblem}` };
  return idProblem ? { kind: 'invalid', reason: idProblem } : normalized;
}
