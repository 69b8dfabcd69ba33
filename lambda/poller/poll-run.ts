/**
 * One poll run's machinery (see poller.ts for what a run does): a lane per vendor walks its due
 * jobs, takes a rate slot and a concurrency slot for each, and a task per job asks the vendor and
 * publishes, backs off or expires it.
 */
import type { StatusHttpRequest, VendorStatusApi } from '../core/adapter';
import { deliver, deliverPendingTerminal, pendingTerminalOf, type DeliveryDeps, type DeliveryOutcome } from '../core/delivery';
import { describeError } from '../core/errors';
import { isTerminal, type NormalizedFields } from '../core/event';
import type { DuePage, JobRecord } from '../core/ports';
import { expiredFields } from './expiry';
import { Semaphore } from './rate-limiter';
import type { StatusCheckResult, StatusRefusal } from './status-client';
import type { LaneStop, PollerDeps, PollerVendor, PollRunOptions, PollSummary, VendorPollSummary } from './types';

interface Lane {
  readonly vendor: PollerVendor;
  readonly stats: VendorPollSummary;
  readonly seen: Set<string>;
  readonly inflight: Set<Promise<void>>;
  consecutiveAuthErrors: number;
  authStopped: boolean;
  apiKey: string | undefined;
  baseUrl: string;
}

type Started = 'started' | 'skipped' | Exclude<LaneStop, 'done' | 'failed'>;

export class PollRun {
  private readonly startedAt: number;
  private readonly slots: Semaphore;
  private readonly delivery: DeliveryDeps;
  private readonly lanes: Lane[] = [];
  private readonly failed: string[] = [];

  constructor(
    private readonly deps: PollerDeps,
    private readonly options: PollRunOptions,
  ) {
    this.startedAt = deps.clock.now();
    this.slots = new Semaphore(deps.settings.concurrency);
    // A poll never waits for another event of the job: it is left to the next run.
    this.delivery = { ...deps, config: { ...deps.config, busyWaitMs: 0 } };
  }

  async lane(vendor: PollerVendor): Promise<void> {
    const lane: Lane = {
      vendor,
      stats: emptyStats(),
      seen: new Set(),
      inflight: new Set(),
      consecutiveAuthErrors: 0,
      authStopped: false,
      apiKey: undefined,
      baseUrl: '',
    };
    this.lanes.push(lane);
    const polling = await this.prepare(lane);
    if (polling === 'failed') return;
    try {
      await this.walk(lane, polling);
    } catch (err) {
      this.fail(lane, 'index', err);
    }
    await Promise.all(lane.inflight);
  }

  summary(): PollSummary {
    const total = emptyStats();
    const vendors: Record<string, VendorPollSummary> = {};
    for (const { vendor, stats } of this.lanes) {
      vendors[vendor.id] = stats;
      for (const key of ['polled', 'requests', 'hits', 'expired', 'redelivered', 'rateLimited', 'errors', 'skipped', 'remaining'] as const) total[key] += stats[key];
      total.moreDue ||= stats.moreDue;
    }
    return {
      polled: total.polled,
      requests: total.requests,
      hits: total.hits,
      expired: total.expired,
      redelivered: total.redelivered,
      rateLimited: total.rateLimited,
      errors: total.errors,
      skipped: total.skipped,
      remaining: total.remaining,
      moreDue: total.moreDue,
      durationMs: this.deps.clock.now() - this.startedAt,
      failedVendors: [...this.failed],
      vendors,
    };
  }

  /** Resolves the key and base URL; 'poll' when the vendor is polled, 'expire' when its jobs only expire. */
  private async prepare(lane: Lane): Promise<'poll' | 'expire' | 'failed'> {
    const { vendor } = lane;
    if (!vendor.statusApi) return 'expire';
    const baseUrl = (vendor.baseUrl ?? vendor.statusApi.defaultBaseUrl)?.replace(/\/+$/, '');
    if (!baseUrl) {
      this.deps.telemetry.log('warn', 'vendor has a status API but no base URL is configured: its jobs are not polled', { vendor: vendor.id });
      return 'expire';
    }
    lane.baseUrl = baseUrl;
    try {
      lane.apiKey = await vendor.apiKey();
    } catch (err) {
      this.fail(lane, 'secret', err);
      return 'failed';
    }
    this.deps.limiter.configure(vendor.id, { requestsPerMinute: vendor.requestsPerMinute, burst: vendor.burst });
    return 'poll';
  }

  /**
   * Pages through the vendor's due jobs, oldest first, starting each one until the run must stop.
   * Once the vendor is rate limited past the run, the rest are only looked at for their give-up
   * age: a vendor that answers 429 for ever must not keep its jobs from expiring.
   */
  private async walk(lane: Lane, mode: 'poll' | 'expire'): Promise<void> {
    const { store, settings } = this.deps;
    let page: Promise<DuePage> = store.listDue(lane.vendor.id, this.startedAt, settings.pageSize);
    let rateLimited = false;
    for (;;) {
      const current = await page;
      const next = current.cursor ? store.listDue(lane.vendor.id, this.startedAt, settings.pageSize, current.cursor) : undefined;
      next?.catch(() => undefined); // read ahead; a failure surfaces when awaited
      for (let i = 0; i < current.items.length; i++) {
        const job = current.items[i];
        const key = job.jobId;
        if (lane.seen.has(key)) continue;
        lane.seen.add(key);
        let started = rateLimited ? await this.startGiveUpOnly(lane, job) : mode === 'poll' ? await this.startPoll(lane, job) : await this.startExpireOnly(lane, job);
        if (started === 'rate_limited') {
          rateLimited = true;
          lane.stats.stop = 'rate_limited';
          started = await this.startGiveUpOnly(lane, job);
        }
        if (started === 'waiting') {
          lane.stats.remaining++;
          continue;
        }
        if (started === 'started' || started === 'skipped') continue;
        lane.stats.stop = started;
        // This job and the rest of the page were not handled; later pages were not read.
        lane.stats.remaining += 1 + current.items.slice(i + 1).filter((j) => !lane.seen.has(j.jobId)).length;
        lane.stats.moreDue = next !== undefined;
        return;
      }
      if (!next) return;
      page = next;
    }
  }

  private async startPoll(lane: Lane, job: JobRecord): Promise<Started> {
    const { clock, limiter } = this.deps;
    const vendorId = lane.vendor.id;
    const housekeeping = this.housekeeping(lane, job);
    if (housekeeping) return housekeeping === 'deadline' ? 'deadline' : this.launch(lane, housekeeping);
    // Built before a rate slot is spent: a job whose request the adapter refuses is never sent.
    const request = this.deps.statusClient.prepare(lane.vendor.statusApi as VendorStatusApi, job.jobId, { baseUrl: lane.baseUrl, apiKey: lane.apiKey });
    if ('kind' in request) return this.launch(lane, () => this.refuse(lane, job, request));
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
      return this.launch(lane, () => this.pollJob(lane, job, request), true);
    }
  }

  /** For a rate-limited vendor: the housekeeping, and the expiry of a job past its give-up age; any other job waits. */
  private async startGiveUpOnly(lane: Lane, job: JobRecord): Promise<Started | 'waiting'> {
    const housekeeping = this.housekeeping(lane, job);
    if (housekeeping) return housekeeping === 'deadline' ? 'deadline' : this.launch(lane, housekeeping);
    if (this.isPastGiveUp(job, this.deps.clock.now())) return this.launch(lane, () => this.expire(lane, job, undefined));
    return 'waiting';
  }

  private async startExpireOnly(lane: Lane, job: JobRecord): Promise<Started> {
    const started = await this.startGiveUpOnly(lane, job);
    if (started !== 'waiting') return started;
    const now = this.deps.clock.now();
    // Not polled: look again at its give-up age, or after the longest backoff if polling comes back.
    const giveUpAt = job.lastActivityMs + this.deps.config.giveUpAfterMs + 1;
    return this.launch(lane, () => this.moveOn(lane, job, Math.min(giveUpAt, now + this.deps.settings.maxBackoffMs)));
  }

  /** Checks shared by both modes: deadline, a held lease, a record past its expiry, a pending terminal event. */
  private housekeeping(lane: Lane, job: JobRecord): 'deadline' | 'skipped' | (() => Promise<void>) | undefined {
    const now = this.deps.clock.now();
    if (now >= this.options.deadlineMs) return 'deadline';
    if (job.leaseUntilMs !== null && job.leaseUntilMs > now) {
      lane.stats.skipped++;
      return 'skipped';
    }
    // Past its expiry the record counts as absent (TTL deletes it days later): take it off the index.
    if (job.expiresAtMs <= now) return () => this.moveOn(lane, job, null);
    // Its terminal event was claimed by an attempt that died: send that, no need to ask the vendor.
    if (pendingTerminalOf(job, now)) return () => this.redeliver(lane, job);
    // A webhook's claim leaves the index entry where the job's first event put it (one index write
    // per job, core/claim.ts): a job with news since is not quiet yet, its entry moves to its last
    // sign of life plus staleAfter, and the vendor is not asked.
    const quietFrom = job.lastActivityMs + this.deps.config.staleAfterMs;
    if (quietFrom > now) return () => this.moveOn(lane, job, quietFrom, false);
    return undefined;
  }

  private async redeliver(lane: Lane, job: JobRecord): Promise<void> {
    if (await deliverPendingTerminal(job, this.delivery)) lane.stats.redelivered++;
  }

  private async launch(lane: Lane, work: 'skipped' | (() => Promise<void>), slotHeld = false): Promise<Started> {
    if (work === 'skipped') return 'skipped';
    if (!slotHeld) await this.slots.acquire();
    const task = work()
      .catch((err) => this.jobError(lane, 'backend', err))
      .finally(() => {
        this.slots.release();
        lane.inflight.delete(task);
      });
    lane.inflight.add(task);
    return 'started';
  }

  private async pollJob(lane: Lane, job: JobRecord, request: StatusHttpRequest): Promise<void> {
    const { statusClient, telemetry, limiter, clock } = this.deps;
    const { vendor, stats } = lane;
    const api = vendor.statusApi as VendorStatusApi;
    stats.polled++;
    this.countRequest(lane);
    const latestStart = this.options.deadlineMs - vendor.requestTimeoutMs;
    const result = await statusClient.check(api, job.jobId, { baseUrl: lane.baseUrl, apiKey: lane.apiKey }, {
      timeoutMs: vendor.requestTimeoutMs,
      deadlineMs: this.options.deadlineMs,
      beforeFollowUp: async () => {
        if (!(await limiter.acquire(vendor.id, latestStart))) return false;
        limiter.sent(vendor.id, clock.now());
        this.countRequest(lane);
        return true;
      },
    }, request);
    const now = clock.now();
    if (result.kind !== 'auth_error' && result.kind !== 'rate_limited') lane.consecutiveAuthErrors = 0;
    switch (result.kind) {
      case 'status':
        return this.publish(lane, job, result.fields, now);
      case 'rate_limited':
        stats.rateLimited++;
        limiter.pauseUntil(vendor.id, result.retryAtMs);
        telemetry.count('PollRateLimited', vendor.id);
        telemetry.log('warn', 'vendor status API rate limit hit: pausing the vendor', {
          vendor: vendor.id,
          jobId: job.jobId,
          httpStatus: result.httpStatus,
          pausedUntil: new Date(result.retryAtMs).toISOString(),
        });
        return; // not polled after all: the job keeps its place for the next run
      case 'deferred':
        stats.remaining++;
        return;
      case 'auth_error':
        stats.errors++;
        stats.errorsByReason.auth = (stats.errorsByReason.auth ?? 0) + 1;
        telemetry.count('PollAuthErrors', vendor.id);
        telemetry.log('error', 'vendor status API refused our key: check the status-API key secret', {
          vendor: vendor.id,
          jobId: job.jobId,
          httpStatus: result.httpStatus,
        });
        if (++lane.consecutiveAuthErrors >= this.deps.settings.authErrorsBeforeStop) lane.authStopped = true;
        return this.failedPoll(lane, job, now, this.deps.settings.authErrorBackoffMs);
      case 'refused':
        return this.refuse(lane, job, result);
      default:
        this.countError(lane, job.jobId, result);
        return this.failedPoll(lane, job, now, undefined);
    }
  }

  /**
   * Publishes the vendor's answer; a quiet job past its give-up age expires instead. An answer
   * about another job is not published (for any vendor): a status URL that does not tell jobs
   * apart, or a vendor bug, would otherwise publish one job's result, its video, for every job.
   */
  private async publish(lane: Lane, job: JobRecord, fields: NormalizedFields, now: number): Promise<void> {
    if (fields.jobId !== job.jobId) {
      this.countReason(lane, job.jobId, 'wrong_job', 'warn', { answerJobId: fields.jobId.slice(0, 200), detail: 'the status answer names another job id: not published' });
      return this.failedPoll(lane, job, now, undefined);
    }
    const { outcome } = await deliver(fields, { vendor: lane.vendor.id, receivedVia: 'poll', receivedAtMs: now }, this.delivery);
    if (outcome === 'enqueued') {
      lane.stats.hits++;
      this.deps.telemetry.count('PollHits', lane.vendor.id);
      return; // the claim moved the job on (or made it final)
    }
    if (outcome === 'busy' || (outcome === 'duplicate' && isTerminal(fields.status))) return;
    // Nothing new (same status, behind, or a terminal conflict): the job is quiet.
    if (this.isPastGiveUp(job, now)) return this.expire(lane, job, fields);
    await this.moveOn(lane, job, this.backoffUntil(job, now, undefined));
  }

  /**
   * A job the adapter builds no request for (its id would change the status URL's path): it is
   * never asked about, so it waits for its give-up age, when it expires like any quiet job.
   */
  private async refuse(lane: Lane, job: JobRecord, refusal: StatusRefusal): Promise<void> {
    this.countError(lane, job.jobId, refusal);
    const now = this.deps.clock.now();
    if (this.isPastGiveUp(job, now)) return this.expire(lane, job, undefined);
    await this.moveOn(lane, job, job.lastActivityMs + this.deps.config.giveUpAfterMs + 1);
  }

  private async failedPoll(lane: Lane, job: JobRecord, now: number, delayMs: number | undefined): Promise<void> {
    if (this.isPastGiveUp(job, now)) return this.expire(lane, job, undefined);
    await this.moveOn(lane, job, this.backoffUntil(job, now, delayMs));
  }

  private async expire(lane: Lane, job: JobRecord, last: NormalizedFields | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const fields = expiredFields(job, this.deps.config.giveUpAfterMs, last, now);
    const { outcome } = await deliver(fields, { vendor: lane.vendor.id, receivedVia: 'poll', receivedAtMs: now }, this.delivery);
    if (outcome === 'enqueued') {
      lane.stats.expired++;
      this.deps.telemetry.count('Expired', lane.vendor.id);
      return;
    }
    // A different terminal event holds the job: delivered now by deliver() if it was kept on the
    // record, otherwise (too large to keep) claimed and not yet delivered: keep polling it, slowly.
    if (outcome === 'conflict') await this.moveOn(lane, job, this.backoffUntil(job, now, undefined));
    else this.note(lane, job, outcome);
  }

  /** Writes the job's next poll time (null: off the index), conditional on the version read; `attempt`: it counts as a poll with no news. */
  private async moveOn(lane: Lane, job: JobRecord, nextPollAtMs: number | null, attempt = true): Promise<void> {
    const next: JobRecord = { ...job, version: job.version + 1, nextPollAtMs, pollAttempts: job.pollAttempts + (attempt ? 1 : 0) };
    if (!(await this.deps.store.put(next, job.version))) {
      // The job changed since the index was read (an event came in): its new state stands.
      this.deps.telemetry.log('debug', 'job changed while polled; backoff not written', { vendor: lane.vendor.id, jobId: job.jobId });
    }
  }

  /** Exponential from `staleAfter`, capped, and never past the give-up age (so give-up is on time). */
  private backoffUntil(job: JobRecord, now: number, delayMs: number | undefined): number {
    const { staleAfterMs, giveUpAfterMs } = this.deps.config;
    const delay = delayMs ?? Math.min(staleAfterMs * 2 ** Math.min(job.pollAttempts, 30), this.deps.settings.maxBackoffMs);
    const giveUpAt = job.lastActivityMs + giveUpAfterMs + 1;
    return giveUpAt > now ? Math.min(now + delay, giveUpAt) : now + delay;
  }

  private isPastGiveUp(job: JobRecord, now: number): boolean {
    return now - job.lastActivityMs > this.deps.config.giveUpAfterMs;
  }

  private countRequest(lane: Lane): void {
    lane.stats.requests++;
    this.deps.telemetry.count('PollRequests', lane.vendor.id);
  }

  private countError(lane: Lane, jobId: string, result: Exclude<StatusCheckResult, { kind: 'status' | 'rate_limited' | 'deferred' | 'auth_error' }>): void {
    const reason = result.kind === 'error' ? result.reason : result.kind;
    this.countReason(lane, jobId, reason, result.kind === 'not_found' ? 'info' : 'warn', { httpStatus: 'httpStatus' in result ? result.httpStatus : null, ...detailOf(result) });
  }

  /** Counts a failed poll under `reason` (the `Reason` dimension of PollErrors) and logs it. */
  private countReason(lane: Lane, jobId: string, reason: string, level: 'info' | 'warn', fields: Readonly<Record<string, unknown>>): void {
    lane.stats.errors++;
    lane.stats.errorsByReason[reason] = (lane.stats.errorsByReason[reason] ?? 0) + 1;
    this.deps.telemetry.count('PollErrors', lane.vendor.id, 1, { Reason: reason });
    // The first few per vendor and reason; the rest at debug (a vendor outage fails every job).
    const logged = (lane.stats.errorsByReason[reason] ?? 0) <= LOUD_ERRORS_PER_REASON;
    this.deps.telemetry.log(logged ? level : 'debug', 'status poll failed; backing off', { vendor: lane.vendor.id, jobId, reason, ...fields });
  }

  private note(lane: Lane, job: JobRecord, outcome: DeliveryOutcome): void {
    if (outcome === 'busy') lane.stats.skipped++;
    this.deps.telemetry.log('debug', `expiry ${outcome}`, { vendor: lane.vendor.id, jobId: job.jobId });
  }

  private jobError(lane: Lane, reason: string, err: unknown): void {
    lane.stats.errors++;
    lane.stats.errorsByReason[reason] = (lane.stats.errorsByReason[reason] ?? 0) + 1;
    this.deps.telemetry.count('PollErrors', lane.vendor.id, 1, { Reason: reason });
    this.deps.telemetry.log('error', 'poll of a job failed; it stays due for the next run', { vendor: lane.vendor.id, reason, error: describeError(err) });
  }

  private fail(lane: Lane, reason: string, err: unknown): void {
    lane.stats.stop = 'failed';
    this.failed.push(lane.vendor.id);
    this.jobError(lane, reason, err);
  }
}

/** Per run, vendor and reason, poll failures logged at warn before the rest go to debug. */
const LOUD_ERRORS_PER_REASON = 5;

/** What a failed poll's log line says beyond its reason: what was wrong with the answer, where a redirect pointed, why no request was built. */
function detailOf(result: StatusCheckResult): { detail?: string } {
  if (result.kind === 'invalid' || result.kind === 'refused') return { detail: result.reason };
  return result.kind === 'error' && result.detail !== undefined ? { detail: result.detail } : {};
}

function emptyStats(): VendorPollSummary {
  return { polled: 0, requests: 0, hits: 0, expired: 0, redelivered: 0, rateLimited: 0, errors: 0, skipped: 0, remaining: 0, moreDue: false, stop: 'done', errorsByReason: {} };
}
