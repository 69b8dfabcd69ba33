/**
 * Ports for a dry run: the delivery core runs as it would, against the real store read through
 * and never written (its writes are kept in memory, so a job's second event is judged against
 * its first), and a queue that sends nothing. What a dry run counts is what a real run would do
 * now, as long as nothing else writes the job meanwhile.
 */
import { applyClaim, claimsAtOnce } from './claim';
import { jobKey } from './job-key';
import type { ClaimRequest, ClaimResult, DuePage, EventMessage, EventQueue, HintResult, JobRecord, JobStore } from './ports';

/** Reads through to `inner` (GetItem only); claims and puts change a copy in memory. */
export class DryRunStore implements JobStore {
  private readonly copies = new Map<string, JobRecord | undefined>();

  constructor(private readonly inner: Pick<JobStore, 'get'>) {}

  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    const key = jobKey(vendor, jobId);
    if (!this.copies.has(key)) this.copies.set(key, await this.inner.get(vendor, jobId));
    return this.copies.get(key);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const stored = await this.get(request.vendor, request.jobId);
    if (!claimsAtOnce(stored, request)) return { claimed: false, current: stored };
    this.copies.set(jobKey(request.vendor, request.jobId), applyClaim(stored, request));
    return { claimed: true, previous: stored };
  }

  async put(record: JobRecord, expectedVersion: number | null): Promise<boolean> {
    const stored = await this.get(record.vendor, record.jobId);
    if (expectedVersion === null ? stored !== undefined : stored?.version !== expectedVersion) return false;
    this.copies.set(jobKey(record.vendor, record.jobId), record);
    return true;
  }

  async listDue(): Promise<DuePage> {
    return { items: [], cursor: undefined };
  }

  /** A replay never hints (hints come from unsigned callbacks, which are not archived): refused. */
  async hint(): Promise<HintResult> {
    throw new Error('a dry run records no hint');
  }
}

/** A queue that sends nothing and counts what it was given. */
export class DryRunQueue implements EventQueue {
  sent = 0;

  async send(_message: EventMessage): Promise<void> {
    this.sent++;
  }
}
