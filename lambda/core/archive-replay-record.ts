/**
 * What the archive replay does with one archived record (core/archive-replay.ts says why):
 * re-send the event the pipeline enqueued from it, through today's adapter and the delivery core,
 * or say why not. Pure but for the delivery itself.
 */
import type { ArchiveRecord } from '../contract/archive';
import type { NormalizeResult, RawRequest, StatusRequestContext, VendorStatusApi } from './adapter';
import { normalizeWithinBounds } from './admission';
import { recordBody } from './archive-records';
import { deliver, type DeliveryDeps, type DeliveryOutcome } from './delivery';
import { eventIdFor, type NormalizedFields } from './event';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json';

/** The part of an adapter the archive replay uses: the webhook's normalize and the status API's parse. */
export interface ArchiveReplayAdapter {
  normalize(req: RawRequest, auth: { readonly ok: true; readonly timestampMs: number | null }): NormalizeResult;
  readonly statusApi: VendorStatusApi | undefined;
}

/** Why a record was read and not replayed. */
export type SkipReason =
  /** Received longer ago than the dedupe window: the job's record, which keeps its one terminal event, may have lapsed. */
  | 'olderThanDedupeWindow'
  /** The pipeline made no new event of it (its verdict was duplicate, stale, conflict or ignored). */
  | 'madeNoEvent'
  /** It was quarantined: the quarantine replay is what turns it into an event. */
  | 'quarantined'
  /** Today's adapter makes no event of it, or another event than the one archived. */
  | 'changed'
  /** A status answer whose event needs a follow-up answer the record does not hold: a replay asks no vendor. */
  | 'needsFollowUp'
  /** Not a record the contract describes, or another vendor's. */
  | 'unreadable';

export type RecordOutcome = { readonly kind: 'delivered'; readonly outcome: Exclude<DeliveryOutcome, 'busy'> } | { readonly kind: 'skipped'; readonly reason: SkipReason };

export interface RecordContext {
  readonly adapter: ArchiveReplayAdapter;
  /** What a status answer is parsed with (the vendor's base URL; no key). */
  readonly statusContext: StatusRequestContext;
  /** Deliveries of one event that find its job busy, at most, before the replay stops (each waits the core's busyWaitMs). */
  readonly busyAttempts: number;
}

/** Thrown when the backend fails, or the job stays busy: the run stops before this record. */
export class ReplayStop extends Error {}

/**
 * Replays one record: only one the pipeline enqueued, received inside the dedupe window, whose
 * event today's adapter makes with the archived id. Rejects (ReplayStop or the backend's error)
 * when it could not be delivered.
 */
export async function replayRecord(record: ArchiveRecord, receivedAtMs: number, context: RecordContext, deps: DeliveryDeps): Promise<RecordOutcome> {
  if (deps.clock.now() - receivedAtMs > deps.config.dedupeWindowMs) return skipped('olderThanDedupeWindow');
  if (record.verdict === 'quarantined') return skipped('quarantined');
  if (record.verdict !== 'enqueued') return skipped('madeNoEvent');
  const fields = normalizeRecord(record, context);
  if (typeof fields === 'string') return skipped(fields);
  if (eventIdFor(record.vendor, fields) !== record.eventId) return skipped('changed');
  for (let attempt = 1; ; attempt++) {
    // The original receivedVia and receivedAt: the event is the one built then, field for field.
    const { outcome } = await deliver(fields, { vendor: record.vendor, receivedVia: record.receivedVia, receivedAtMs }, deps);
    if (outcome !== 'busy') return { kind: 'delivered', outcome };
    if (attempt >= context.busyAttempts) throw new ReplayStop(`job ${record.jobId} of ${record.vendor} stayed busy (another event of it between claim and send): run the replay again`);
  }
}

function normalizeRecord(record: ArchiveRecord, context: RecordContext): NormalizedFields | SkipReason {
  const body = recordBody(record);
  if (record.receivedVia === 'webhook') {
    // Not authenticated again: see core/archive-replay.ts. The bounds of arrival still hold.
    const normalized = normalizeWithinBounds(context.adapter, { headers: record.headers, body }, { ok: true, timestampMs: record.signedTimestampMs ?? null });
    return normalized.kind === 'event' ? normalized.fields : 'changed';
  }
  const api = context.adapter.statusApi;
  const first = api && record.jobId !== null ? jsonOf(body) : undefined;
  if (!api || record.jobId === null || first === undefined) return 'changed';
  const jobId = record.jobId;
  try {
    let parsed = api.parse(jobId, first, context.statusContext);
    // The follow-up answers the poller read (a finished render's download URL), in order, for the adapter to
    // decide on as it did then (poller/status-client.ts: a body that is not JSON is given as undefined).
    for (const answer of record.followUps ?? []) {
      if (parsed.kind !== 'follow') break;
      parsed = parsed.then(answer.status, jsonOf(recordBody(answer)));
    }
    if (parsed.kind === 'follow') return 'needsFollowUp';
    return parsed.kind === 'status' ? parsed.fields : 'changed';
  } catch {
    return 'changed'; // an adapter that throws: like an answer it cannot read
  }
}

/** A body as the status client parses it: JSON within the nesting bound, else undefined. */
function jsonOf(body: Buffer): unknown {
  if (body.length === 0 || nestsDeeperThan(body, MAX_JSON_DEPTH)) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function skipped(reason: SkipReason): RecordOutcome {
  return { kind: 'skipped', reason };
}
