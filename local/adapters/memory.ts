/** In-memory ports: for unit tests and the verifier benchmark. Same semantics as the AWS ones. */
import { applyClaim, claimsAtOnce } from '../../lambda/core/claim';
import { applyHint, hintsAtOnce } from '../../lambda/core/hint';
import type { VideoJobEvent } from '../../lambda/core/event';
import { jobKey } from '../../lambda/core/job-key';
import type { ArchiveRecord } from '../../lambda/contract/archive';
import type { ArchiveWriteFailure, ClaimRequest, ClaimResult, DuePage, EventMessage, EventQueue, HintRequest, HintResult, JobRecord, JobStore, QuarantineMessage, QuarantineQueue, RequestArchive } from '../../lambda/core/ports';

export class MemoryJobStore implements JobStore {
  readonly records = new Map<string, JobRecord>();

  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    return this.records.get(jobKey(vendor, jobId));
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const key = jobKey(request.vendor, request.jobId);
    const stored = this.records.get(key);
    if (!claimsAtOnce(stored, request)) return { claimed: false, current: stored };
    this.records.set(key, applyClaim(stored, request));
    return { claimed: true, previous: stored };
  }

  async hint(request: HintRequest): Promise<HintResult> {
    const key = jobKey(request.vendor, request.jobId);
    const stored = this.records.get(key);
    if (!stored || !hintsAtOnce(stored, request)) return { recorded: false, current: stored };
    this.records.set(key, applyHint(stored, request));
    return { recorded: true };
  }

  async put(record: JobRecord, expectedVersion: number | null): Promise<boolean> {
    const key = jobKey(record.vendor, record.jobId);
    const stored = this.records.get(key);
    if (expectedVersion === null ? stored !== undefined : stored?.version !== expectedVersion) return false;
    this.records.set(key, record);
    return true;
  }

  async listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string): Promise<DuePage> {
    // Like a DynamoDB Query: the cursor is the last key returned, so records that moved meanwhile
    // do not shift the next page.
    const after = cursor ? (JSON.parse(cursor) as [number, string]) : undefined;
    const due = [...this.records.values()]
      .filter((r) => r.vendor === vendor && r.nextPollAtMs !== null && r.nextPollAtMs <= dueAtMs)
      .sort(byDue)
      .filter((r) => !after || (r.nextPollAtMs ?? 0) > after[0] || ((r.nextPollAtMs ?? 0) === after[0] && r.jobId > after[1]));
    const items = due.slice(0, limit);
    const last = items[items.length - 1];
    return { items, cursor: due.length > limit && last ? JSON.stringify([last.nextPollAtMs, last.jobId]) : undefined };
  }
}

function byDue(a: JobRecord, b: JobRecord): number {
  return (a.nextPollAtMs ?? 0) - (b.nextPollAtMs ?? 0) || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
}

export class MemoryEventQueue implements EventQueue {
  readonly events: VideoJobEvent[] = [];
  private readonly seen = new Set<string>();

  async send(message: EventMessage): Promise<void> {
    // Like SQS FIFO inside its deduplication interval.
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    this.events.push(JSON.parse(message.body) as VideoJobEvent);
  }
}

export class MemoryQuarantineQueue implements QuarantineQueue {
  readonly messages: QuarantineMessage[] = [];

  async send(message: QuarantineMessage): Promise<void> {
    this.messages.push(message);
  }
}

/** The archive in memory: every record written, in order; `failNext` makes the next writes fail as told. */
export class MemoryRequestArchive implements RequestArchive {
  readonly records: ArchiveRecord[] = [];
  /** Each write call, with the records it carried. */
  readonly calls: Array<readonly ArchiveRecord[]> = [];
  private failures: Array<Error | 'partial'> = [];

  /** The next write rejects with `err`, or (`'partial'`) writes the first half and reports the rest failed. */
  failNext(failure: Error | 'partial'): void {
    this.failures.push(failure);
  }

  async write(records: readonly ArchiveRecord[]): Promise<readonly ArchiveWriteFailure[]> {
    this.calls.push(records);
    const failure = this.failures.shift();
    if (failure instanceof Error) throw failure;
    const kept = failure === 'partial' ? Math.ceil(records.length / 2) : records.length;
    this.records.push(...records.slice(0, kept));
    return records.slice(kept).map((record) => ({ record, reason: 'throttled' }));
  }
}
