/**
 * Replays archived requests (contract/archive.ts) through the adapters and the delivery core,
 * from S3 or the dev server's directory alike (core/archive-records.ts reads them).
 *
 * What is replayed: a record the pipeline enqueued an event from, received inside the dedupe
 * window, whose event today's adapter makes with the archived id. It is normalized by the same
 * code as a live request (the webhook adapter's normalize, or the status API's parse for a poll)
 * and delivered by the same core, with its original `receivedVia` and `receivedAt`, so the event is
 * the one built then: same id (eventIdFor reads vendor, job, status, progress step and stage only),
 * same body. Exactly once follows: inside the window the job's record remembers what was
 * delivered, so a replayed event already delivered is a duplicate, and replaying again adds none.
 *
 * What is not, and why (each counted under `skipped`):
 * - older than the dedupe window (the quarantine replay's rule): the job's record, which keeps its
 *   one terminal event, may have lapsed, and a replay could then queue a second one. Whole days
 *   before the window are not read at all (`notReadBefore`);
 * - a record that made no new event (duplicate, stale, conflict, ignored): replaying it could
 *   only make an event the pipeline never sent (a conflicting terminal status, for a job whose
 *   record has lapsed, would become a second terminal event). Every event a replay sends has an id
 *   the archive says was enqueued once, and a job was enqueued one terminal event;
 * - a quarantined record: the quarantine replay (core/quarantine-replay.ts) is where a quarantined
 *   request becomes an event, once, and it deletes the message when it does; the archive keeps
 *   the request for reading (Athena), and a replay of it here would make an event that was never sent;
 * - today's adapter makes no event of it, or another id (`changed`); a status answer that needed a
 *   follow-up request (`needsFollowUp`: a replay asks no vendor anything).
 *
 * Why no signature is checked: a record is written only after the request was authenticated (and
 * the poll's answer came from the vendor's status API over TLS); the bucket takes writes from the
 * delivery stream's role only, over TLS, encrypted; and a record is not a request: nobody can send
 * one to the API, only the pipeline writes them. Its signed timestamp would be long stale anyway.
 *
 * Order: received order per job. Firehose writes a partition's objects in time order, each in the
 * order records reached it, and a record reaches it during its function's invocation, so no record
 * of a later object was received more than ORDER_SLACK_MS before the latest one of the objects
 * read so far: records are held until they are that much older than the newest one read, then
 * delivered oldest first (ties: object key, then line). Memory is bounded by `maxBufferedBytes`.
 *
 * A run stops at its deadline with a cursor to continue from, or at the first backend failure
 * (the record stays for the next run: later records of its job must not overtake it).
 */
import { describeError } from './errors';
import { formatDuration } from './duration';
import { partitionsFor, type ArchiveSource } from './archive-records';
import { replayRecord, type ArchiveReplayAdapter, type SkipReason } from './archive-replay-record';
import { PartitionRun, type Counts, type Cursor } from './archive-replay-partition';
import { DryRunQueue, DryRunStore } from './dry-run';
import type { StatusRequestContext } from './adapter';
import type { DeliveryDeps } from './delivery';
import { silentTelemetry } from './ports';

export type { ArchiveReplayAdapter, SkipReason } from './archive-replay-record';

/** What to replay: one vendor's records received in `[since, until)`, one job's when `jobId` is given. */
export interface ArchiveReplayRequest {
  readonly vendor: string;
  readonly jobId?: string;
  readonly sinceMs: number;
  readonly untilMs: number;
  /** Read and count what a run would do now; write nothing. */
  readonly dryRun?: boolean;
  /** Where an earlier run of the same request stopped (its summary's `cursor`). */
  readonly cursor?: string;
}

export interface ArchiveReplayDeps extends DeliveryDeps {
  readonly archive: ArchiveSource;
  /** The adapter of a vendor id, or undefined when this deployment has no such vendor. */
  readonly adapterFor: (vendor: string) => ArchiveReplayAdapter | undefined;
  /** @default the vendor's default status API base URL, no key */
  readonly statusContextFor?: (vendor: string) => StatusRequestContext;
}

export interface ArchiveReplayOptions {
  /** Stop before handling a record at or after this time (ms since epoch). @default no deadline */
  readonly deadlineMs?: number;
  /** Bodies held for ordering, at most; past it the oldest are delivered. @default 134217728 (128 MiB) */
  readonly maxBufferedBytes?: number;
}

export interface ArchiveReplaySummary {
  readonly vendor: string;
  readonly jobId: string | null;
  readonly since: string;
  readonly until: string;
  readonly dryRun: boolean;
  /** Records read that match the filters. */
  readonly read: number;
  /** Sent to the queue now (in a dry run: would be). */
  readonly enqueued: number;
  /** Delivered already: nothing sent. */
  readonly duplicate: number;
  /** Behind what the job has already reported, or a terminal status after another: nothing sent. */
  readonly stale: number;
  readonly conflict: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Records received before this time were not read: they are older than the dedupe window. Null when none was left out. */
  readonly notReadBefore: string | null;
  readonly dedupeWindow: string;
  /** Why the run ended; with `deadline` and `failed`, `cursor` continues it. */
  readonly stoppedBecause: 'done' | 'deadline' | 'failed';
  readonly cursor: string | null;
  /** The failure, with `failed`. */
  readonly error?: string;
}

/** A request the replay refuses (unknown vendor, bad cursor): say it and stop. */
export class ArchiveReplayError extends Error {}

/** Busy deliveries of one event before a run stops (each waits DeliveryConfig.busyWaitMs). */
const BUSY_ATTEMPTS = 3;

/** Replays the archive once, to the end or the deadline. Throws ArchiveReplayError for a request it refuses. */
export async function replayArchive(deps: ArchiveReplayDeps, request: ArchiveReplayRequest, options: ArchiveReplayOptions = {}): Promise<ArchiveReplaySummary> {
  const adapter = deps.adapterFor(request.vendor);
  if (!adapter) throw new ArchiveReplayError(`vendor ${request.vendor} is not configured in this deployment: replay one of its vendors`);
  if (!(request.sinceMs < request.untilMs)) throw new ArchiveReplayError(`since (${iso(request.sinceMs)}) must be before until (${iso(request.untilMs)})`);
  const cursor = request.cursor === undefined ? undefined : parseCursor(request.cursor);
  const dryRun = request.dryRun === true;
  // A dry run judges against the real records, read through, and writes nothing.
  const delivery: DeliveryDeps = dryRun ? { ...deps, store: new DryRunStore(deps.store), queue: new DryRunQueue(), telemetry: silentTelemetry } : deps;
  const context = {
    adapter,
    statusContext: deps.statusContextFor?.(request.vendor) ?? { baseUrl: adapter.statusApi?.defaultBaseUrl ?? '', apiKey: undefined },
    busyAttempts: BUSY_ATTEMPTS,
  };
  const windowStartMs = deps.clock.now() - deps.config.dedupeWindowMs;
  const counts: Counts = { read: 0, enqueued: 0, duplicate: 0, stale: 0, conflict: 0, skipped: { olderThanDedupeWindow: 0, madeNoEvent: 0, quarantined: 0, changed: 0, needsFollowUp: 0, unreadable: 0 } };
  // Days wholly before the window hold nothing a replay may send: not read.
  const partitions = partitionsFor(request.vendor, Math.max(request.sinceMs, windowStartMs), request.untilMs);
  const start = cursor ? partitions.indexOf(cursor.partition) : 0;
  if (start < 0) throw new ArchiveReplayError('the cursor is not one of this request: pass the cursor with the request it came from');
  const summary = (stoppedBecause: ArchiveReplaySummary['stoppedBecause'], next: Cursor | undefined, error?: string): ArchiveReplaySummary => {
    const result: ArchiveReplaySummary = {
      vendor: request.vendor,
      jobId: request.jobId ?? null,
      since: iso(request.sinceMs),
      until: iso(request.untilMs),
      dryRun,
      ...counts,
      notReadBefore: request.sinceMs < windowStartMs ? iso(Math.floor(windowStartMs / 86_400_000) * 86_400_000) : null,
      dedupeWindow: formatDuration(deps.config.dedupeWindowMs),
      stoppedBecause,
      cursor: next ? JSON.stringify(next) : null,
      ...(error ? { error } : {}),
    };
    deps.telemetry.log(stoppedBecause === 'failed' ? 'error' : 'info', 'archive replay stopped', { ...result, skipped: counts.skipped });
    return result;
  };

  for (let i = Math.max(start, 0); i < partitions.length; i++) {
    const run = new PartitionRun(partitions[i], request, counts, {
      archive: deps.archive,
      clock: deps.clock,
      deadlineMs: options.deadlineMs,
      maxBufferedBytes: options.maxBufferedBytes ?? 128 * 1024 * 1024,
      replay: (record, receivedAtMs) => replayRecord(record, receivedAtMs, context, delivery),
      warn: (message, fields) => deps.telemetry.log('warn', message, fields),
    });
    try {
      const stop = await run.replay(i === start ? cursor : undefined);
      if (stop) return summary('deadline', stop);
    } catch (err) {
      return summary('failed', run.cursorBeforeFailure(), describeError(err));
    }
  }
  return summary('done', undefined);
}

function parseCursor(text: string): Cursor {
  let c: Partial<Cursor> | undefined;
  try {
    c = JSON.parse(text) as Partial<Cursor>;
  } catch {
    c = undefined;
  }
  const after = c?.after;
  const afterOk = after === null || (Array.isArray(after) && after.length === 3 && typeof after[0] === 'number' && typeof after[1] === 'string' && typeof after[2] === 'number');
  if (!c || typeof c.partition !== 'string' || (c.startAfter !== null && typeof c.startAfter !== 'string') || (c.readThrough !== null && typeof c.readThrough !== 'string') || !afterOk) {
    throw new ArchiveReplayError('the cursor is not one a replay gave: pass its summary\'s cursor as it is');
  }
  return c as Cursor;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
