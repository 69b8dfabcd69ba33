/**
 * One partition (one vendor, one UTC day) of an archive replay, in received order: objects are
 * read in key order, records held until no later object can hold an earlier one (ORDER_SLACK_MS,
 * see core/archive-replay.ts), then replayed oldest first. Knows where it is, so that a run
 * stopped at its deadline or by a failure continues exactly there.
 */
import type { ArchiveRecord } from '../contract/archive';
import { archiveLines, type ArchiveSource } from './archive-records';
import type { RecordOutcome, SkipReason } from './archive-replay-record';
import type { Clock } from './ports';

/**
 * The longest a record can take between being received and reaching the archive: it is put
 * during its function's invocation, and a Lambda invocation lasts at most 900 seconds
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
 */
export const ORDER_SLACK_MS = 900_000;

/** Where a record is in received order: its time, then its object's key, then its line. */
export type SortKey = readonly [receivedAtMs: number, key: string, line: number];

/** Where a run stopped, as the next run of the same request takes it back (opaque to callers). */
export interface Cursor {
  readonly partition: string;
  /** The next run lists the objects after this key (null: from the first). */
  readonly startAfter: string | null;
  /** Records of the objects up to `readThrough` at or before this place were handled. */
  readonly after: SortKey | null;
  /** The last object read whole: its problems were counted already. */
  readonly readThrough: string | null;
}

export interface Counts {
  read: number;
  enqueued: number;
  duplicate: number;
  stale: number;
  conflict: number;
  skipped: Record<SkipReason, number>;
}

export interface PartitionDeps {
  readonly archive: ArchiveSource;
  readonly clock: Clock;
  readonly deadlineMs: number | undefined;
  readonly maxBufferedBytes: number;
  readonly replay: (record: ArchiveRecord, receivedAtMs: number) => Promise<RecordOutcome>;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

interface Held {
  readonly at: SortKey;
  readonly record: ArchiveRecord;
}

type Filters = { readonly vendor: string; readonly jobId?: string; readonly sinceMs: number; readonly untilMs: number };

export class PartitionRun {
  private held: Held[] = [];
  private heldBytes = 0;
  private readonly keysRead: string[] = [];
  private startAfter: string | null = null;
  private readThrough: string | null = null;
  private last: SortKey | null = null;
  private newestMs = -Infinity;
  private delivered = false;
  private overflowWarned = false;

  constructor(
    private readonly partition: string,
    private readonly filters: Filters,
    private readonly counts: Counts,
    private readonly deps: PartitionDeps,
  ) {}

  /** Replays the partition from `cursor` (or its start); resolves a cursor when the deadline stopped it, else undefined. */
  async replay(cursor?: Cursor): Promise<Cursor | undefined> {
    this.startAfter = cursor?.startAfter ?? null;
    this.readThrough = cursor?.readThrough ?? null;
    this.last = cursor?.after ?? null;
    const before = { readThrough: this.readThrough, after: this.last };
    for await (const key of this.deps.archive.keys(this.partition, this.startAfter ?? undefined)) {
      this.keysRead.push(key);
      const counted = before.readThrough === null || key > before.readThrough;
      for await (const line of archiveLines(await this.deps.archive.open(key))) {
        if ('problem' in line) {
          if (counted) this.unreadable(key, line.line, line.problem);
          continue;
        }
        this.take(key, line.line, line.record, counted, before.after);
      }
      if (this.readThrough === null || key > this.readThrough) this.readThrough = key;
      if (await this.deliverBefore(this.newestMs - ORDER_SLACK_MS)) return this.cursor();
      if (this.pastDeadline()) return this.cursor();
    }
    return (await this.deliverBefore(Infinity)) ? this.cursor() : undefined;
  }

  /** Where the record that failed (and everything after it) is taken back. */
  cursorBeforeFailure(): Cursor {
    return this.cursor();
  }

  private take(key: string, line: number, record: ArchiveRecord, counted: boolean, handledUpTo: SortKey | null): void {
    const at: SortKey = [Date.parse(record.receivedAt), key, line];
    this.newestMs = Math.max(this.newestMs, at[0]);
    // Handled by the run this cursor came from.
    if (!counted && handledUpTo !== null && compare(at, handledUpTo) <= 0) return;
    const f = this.filters;
    if (at[0] < f.sinceMs || at[0] >= f.untilMs || (f.jobId !== undefined && record.jobId !== f.jobId)) return;
    if (record.vendor !== f.vendor) {
      if (counted) this.unreadable(key, line, `a record of vendor ${record.vendor} in the partition of ${f.vendor}`);
      return;
    }
    if (this.last !== null && compare(at, this.last) < 0) {
      this.deps.warn('archive record arrived out of received order by more than the slack: replayed late', { key, line, receivedAt: record.receivedAt });
    }
    this.held.push({ at, record });
    this.heldBytes += record.body.length;
  }

  /**
   * Replays, oldest first, the held records received before `watermarkMs` (and the oldest past
   * the memory bound). Resolves true when the deadline stopped it.
   */
  private async deliverBefore(watermarkMs: number): Promise<boolean> {
    this.held.sort((a, b) => compare(a.at, b.at));
    let i = 0;
    try {
      for (; i < this.held.length; i++) {
        const h = this.held[i];
        const overflow = this.heldBytes > this.deps.maxBufferedBytes;
        if (h.at[0] >= watermarkMs && !overflow) break;
        if (overflow && h.at[0] >= watermarkMs && !this.overflowWarned) {
          this.overflowWarned = true;
          this.deps.warn('archive replay holds more than its memory bound: replaying the oldest records before their order is certain', { partition: this.partition, maxBufferedBytes: this.deps.maxBufferedBytes });
        }
        if (this.pastDeadline()) return true;
        this.tally(await this.deps.replay(h.record, h.at[0]));
        this.counts.read++;
        this.delivered = true;
        this.heldBytes -= h.record.body.length;
        if (this.last === null || compare(h.at, this.last) > 0) this.last = h.at;
      }
      return false;
    } finally {
      this.held = this.held.slice(i);
    }
  }

  /** The deadline counts only once this run has moved on (a record handled, or nothing held), so every run makes progress. */
  private pastDeadline(): boolean {
    const moved = this.delivered || this.held.length === 0;
    return moved && this.deps.deadlineMs !== undefined && this.deps.clock.now() >= this.deps.deadlineMs;
  }

  private cursor(): Cursor {
    // Objects from the first one a held record came from are read again.
    const firstHeld = this.held.reduce<string | null>((min, h) => (min === null || h.at[1] < min ? h.at[1] : min), null);
    const index = firstHeld === null ? -1 : this.keysRead.indexOf(firstHeld);
    const startAfter = firstHeld === null ? this.readThrough : index > 0 ? this.keysRead[index - 1] : this.startAfter;
    return { partition: this.partition, startAfter, after: this.last, readThrough: this.readThrough };
  }

  private tally(outcome: RecordOutcome): void {
    if (outcome.kind === 'skipped') this.counts.skipped[outcome.reason]++;
    else this.counts[outcome.outcome]++;
  }

  private unreadable(key: string, line: number, problem: string): void {
    this.counts.skipped.unreadable++;
    this.deps.warn('archive record unreadable: skipped', { key, line, problem });
  }
}

function compare(a: SortKey, b: SortKey): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}
