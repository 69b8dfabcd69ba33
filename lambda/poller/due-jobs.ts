/** A vendor's due jobs as a poll run walks them. */
import type { DuePage, JobRecord, JobStore } from '../core/ports';

/** One due job, and what a run that stops at it leaves unhandled. */
export interface DueJob {
  readonly job: JobRecord;
  /** This job and the rest of its page not yet seen; whether later pages were not read. */
  unhandled(): { readonly jobs: number; readonly moreDue: boolean };
}

/**
 * The vendor's jobs due at `dueAtMs`, oldest first, each once (a job moved on while the index is
 * paged may show up again on a later page), the next page read ahead. An index failure rejects.
 */
export async function* dueJobs(store: JobStore, vendor: string, dueAtMs: number, pageSize: number): AsyncGenerator<DueJob> {
  const seen = new Set<string>();
  let page: Promise<DuePage> = store.listDue(vendor, dueAtMs, pageSize);
  for (;;) {
    const current = await page;
    const next = current.cursor ? store.listDue(vendor, dueAtMs, pageSize, current.cursor) : undefined;
    next?.catch(() => undefined); // read ahead; a failure surfaces when awaited
    for (let i = 0; i < current.items.length; i++) {
      const job = current.items[i];
      if (seen.has(job.jobId)) continue;
      seen.add(job.jobId);
      const rest = current.items.slice(i + 1);
      yield { job, unhandled: () => ({ jobs: 1 + rest.filter((j) => !seen.has(j.jobId)).length, moreDue: next !== undefined }) };
    }
    if (!next) return;
    page = next;
  }
}
