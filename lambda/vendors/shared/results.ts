/** Normalized fields, or the reason they could not be read, as the adapter contract's results. */
import type { NormalizeResult, StatusParseResult } from '../../core/adapter';
import type { NormalizedFields } from '../../core/event';

/** A webhook's fields as an event, or quarantined with the reason. */
export function asEvent(fields: NormalizedFields | string): NormalizeResult {
  return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'event', fields };
}

/** A status answer's fields, or unreadable with the reason. */
export function asStatus(fields: NormalizedFields | string): StatusParseResult {
  return typeof fields === 'string' ? { kind: 'invalid', reason: fields } : { kind: 'status', fields };
}
