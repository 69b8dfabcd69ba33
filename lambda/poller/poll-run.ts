/**
 * One poll run's machinery (see poller.ts for what a run does): a lane per vendor walks its due
 * jobs (due-jobs.ts) and starts each one, taking a rate slot and a concurrency slot for a job it
 * polls; a task per job (job-tasks.ts) asks the vendor and publishes, backs off or expires it.
 */
import type { VendorStatusApi } from '../core/adapter';
import type { JobRecord } from '../core/ports';
import { dueJobs } from './due-jobs';
import { JobTasks, runFailure } from './job-tasks';
import { newLane, type Lane } from './lane';
import { totalOf } from './lane-counts';
import { Semaphore } from './rate-limiter';
import { dueAtInterval, isPastGiveUp, leaseHeld } from './schedule';
import type { LaneStop, PollerDeps, PollerVendor, PollRunOptions, PollSummary, VendorPollSummary } from './types';

/** What starting a job came to: a task started, nothing to do, waiting for the next run, or why the lane stops. */
type Started = 'started' | 'skipped' | 'waiting' | 'not_due' | Exclude<LaneStop, 'done' | 'failed'>;

export class PollRun {
  private readonly startedAt: number;
  private readonly slots: Semaphore;
  private readonly tasks: JobTasks;
  private readonly lanes: Lane[] = [];
  private readonly failed: string[] = [];

  constructor(
    private readonly deps: PollerDeps,
    private readonly options: PollRunOptions,
  ) {
    this.startedAt = deps.clock.now();
    this.slots = new Semaphore(deps.settings.concurrency);
    this.tasks = new JobTasks(deps, options.deadlineMs, this.startedAt);
  }

  async lane(vendor: PollerVendor): Promise<void> {
    const lane = newLane(vendor, this.deps.telemetry);
    this.lanes.push(lane);
    if (!(await this.prepare(lane))) return;
    try {
      await this.walk(lane);
    } catch (err) {
      this.fail(lane, 'index', err);
    }
    await Promise.all(lane.inflight);
  }

  /** Waits until the run's archive records are written (or counted as lost). Never rejects. */
  archived(): Promise<void> {
    return this.tasks.archived();
  }

  summary(): PollSummary {
    const vendors: Record<string, VendorPollSummary> = {};
    for (const { vendor, counts } of this.lanes) vendors[vendor.id] = counts.stats;
    return { ...totalOf(this.lanes.map((l) => l.counts.stats)), durationMs: this.deps.clock.now() - this.startedAt, failedVendors: [...this.failed], vendors };
  }

  /** Resolves the key and base URL and sets the lane's mode; false when the lane failed. */
  private async prepare(lane: Lane): Promise<boolean> {
    const { vendor } = lane;
    const baseUrl = vendor.statusApi && (vendor.baseUrl ?? vendor.statusApi.defaultBaseUrl)?.replace(/\/+$/, '');
    if (!baseUrl) {
      if (vendor.statusApi) this.deps.telemetry.log('warn', 'vendor has a status API but no base URL is configured: its jobs are not polled', { vendor: vendor.id });
      lane.mode = 'expire_only';
      return true;
    }
    lane.baseUrl = baseUrl;
    try {
      lane.apiKey = await vendor.apiKey();
    } catch (err) {
      this.fail(lane, 'secret', err);
      return false;
    }
    this.deps.limiter.configure(vendor.id, { requestsPerMinute: vendor.requestsPerMinute, burst: vendor.burst });
    return true;
  }

  /** Starts the vendor's due jobs, oldest first, until the run must stop for this lane. */
  private async walk(lane: Lane): Promise<void> {
    const { store, settings } = this.deps;
    const { counts } = lane;
    // A vendor polled at an interval also reads the jobs registered within staleAfter (their due
    // time is a registration's, which does not know the interval: see dueAtInterval).
    const horizon = lane.vendor.pollIntervalMs === undefined ? this.startedAt : this.startedAt + this.deps.config.staleAfterMs;
    for await (const due of dueJobs(store, lane.vendor.id, horizon, settings.pageSize)) {
      const started = await this.start(lane, due.job);
      if (started === 'waiting') counts.remaining();
      if (started === 'started' || started === 'skipped' || started === 'waiting' || started === 'not_due') continue;
      counts.stats.stop = started;
      // This job and the rest of the page were not handled; later pages were not read.
      const { jobs, moreDue } = due.unhandled();
      counts.remaining(jobs);
      counts.stats.moreDue = moreDue;
      return;
    }
  }

  /** Starts what one job needs, by the lane's mode, after the checks every mode makes. */
  private async start(lane: Lane, job: JobRecord): Promise<Started> {
    const now = this.deps.clock.now();
    if (now >= this.options.deadlineMs) return 'deadline';
    const interval = lane.vendor.pollIntervalMs;
    if (interval !== undefined && !dueAtInterval(job, this.startedAt, interval)) return 'not_due';
    if (leaseHeld(job, now)) {
      lane.counts.skipped();
      return 'skipped';
    }
    const chore = this.tasks.chore(lane, job, now);
    if (chore) return this.launch(lane, chore);
    switch (lane.mode) {
      case 'poll': {
        const started = await this.startPoll(lane, job);
        if (started !== 'rate_limited') return started;
        // Paused past the run: from here on the lane only looks for jobs past their give-up age.
        lane.mode = 'give_up_only';
        lane.counts.stats.stop = 'rate_limited';
        return this.start(lane, job);
      }
      case 'give_up_only':
        return isPastGiveUp(job, now, this.deps.config) ? this.launch(lane, () => this.tasks.expire(lane, job, undefined)) : 'waiting';
      case 'expire_only':
        return this.launch(lane, isPastGiveUp(job, now, this.deps.config) ? () => this.tasks.expire(lane, job, undefined) : () => this.tasks.waitForGiveUp(lane, job, now));
    }
  }

  /** Takes a rate slot and a concurrency slot for the job's first request, then starts its poll. */
  private async startPoll(lane: Lane, job: JobRecord): Promise<Started> {
    const { clock, limiter } = this.deps;
    const vendorId = lane.vendor.id;
    // Built before a rate slot is spent: a job whose request the adapter refuses is never sent.
    const request = this.deps.statusClient.prepare(lane.vendor.statusApi as VendorStatusApi, job.jobId, { baseUrl: lane.baseUrl, apiKey: lane.apiKey }, lane.vendor);
    if ('kind' in request) return this.launch(lane, () => this.tasks.refuse(lane, job, request));
    // The last moment a request may start and still end (timeout included) before the deadline.
    const latestStart = this.options.deadlineMs - lane.vendor.requestTimeoutMs;
    for (;;) {
      if (lane.authStopped) return 'auth_errors';
      if (!(await limiter.acquire(vendorId, latestStart))) return limiter.pausedUntil(vendorId) > latestStart ? 'rate_limited' : 'deadline';
      await this.slots.acquire();
      const now = clock.now();
      if (now > latestStart) {
        this.slots.release();
        return 'deadline';
      }
      if (limiter.pausedUntil(vendorId) > now || lane.authStopped) {
        this.slots.release(); // a 429 or auth stop came in while we waited: look again
        continue;
      }
      limiter.sent(vendorId, now);
      return this.launch(lane, () => this.tasks.poll(lane, job, request), true);
    }
  }

  /** Runs `work` as one of the lane's tasks, in a concurrency slot (`slotHeld`: already taken). */
  private async launch(lane: Lane, work: () => Promise<void>, slotHeld = false): Promise<Started> {
    if (!slotHeld) await this.slots.acquire();
    const task = work()
      .catch((err) => lane.counts.error(runFailure('backend', err)))
      .finally(() => {
        this.slots.release();
        lane.inflight.delete(task);
      });
    lane.inflight.add(task);
    return 'started';
  }

  private fail(lane: Lane, reason: 'index' | 'secret', err: unknown): void {
    lane.counts.stats.stop = 'failed';
    this.failed.push(lane.vendor.id);
    lane.counts.error(runFailure(reason, err));
  }
}
