/**
 * What a poll run's task does with one job once the run has started it: asks the vendor and acts
 * on the answer (publish, back off, pause the vendor, expire), redelivers a terminal event an
 * attempt claimed and never sent, expires a job, or moves it on. Every failure is counted once,
 * through `LaneCounts.error`.
 */
import type { StatusHttpRequest, VendorStatusApi } from '../core/adapter';
import { archiveRecord, type ArchiveVerdictFields, type ReadAnswer } from '../core/archive';
import { deliver, deliverPendingTerminal, pendingTerminalOf, type DeliveryDeps, type DeliveryOutcome } from '../core/delivery';
import { describeError } from '../core/errors';
import { isTerminal, type NormalizedFields, type ReceivedVia } from '../core/event';
import { dueByHint } from '../core/hint';
import type { JobRecord } from '../core/ports';
import type { ArchiveReceivedVia } from '../contract/archive';
import { expiredFields } from './expiry';
import { ArchiveBatch } from './archive-batch';
import type { Lane } from './lane';
import { AUTH_REASON, type PollFailure } from './lane-counts';
import { backoffUntil, giveUpAt, intervalBackoffUntil, isPastGiveUp } from './schedule';
import type { StatusCheckResult, StatusRefusal } from './status-client';
import type { PollerDeps } from './types';

/** The answers that count as a failed poll under their own reason. */
type FailedAnswer = Extract<StatusCheckResult, { kind: 'not_found' | 'invalid' | 'error' | 'refused' }>;

export class JobTasks {
  private readonly delivery: DeliveryDeps;
  private readonly archive: ArchiveBatch;

  constructor(
    private readonly deps: PollerDeps,
    /** No request may still be open at this time. */
    private readonly deadlineMs: number,
    /** When the run started: a vendor polled at an interval is asked again one interval after it. */
    private readonly runStartMs: number,
  ) {
    // A poll never waits for another event of the job: it is left to the next run.
    this.delivery = { ...deps, config: { ...deps.config, busyWaitMs: 0 } };
    this.archive = new ArchiveBatch(deps.archive, deps.telemetry);
  }

  /** Writes the run's archive records still held and waits for every write of the run. Never rejects. */
  archived(): Promise<void> {
    return this.archive.drain();
  }

  /** What a job needs done before anyone asks its vendor, or undefined when it needs asking. */
  chore(lane: Lane, job: JobRecord, now: number): (() => Promise<void>) | undefined {
    // Past its expiry the record counts as absent (TTL deletes it days later): take it off the index.
    if (job.expiresAtMs <= now) return () => this.moveOn(lane, job, null);
    // Its terminal event was claimed by an attempt that died: send that, no need to ask the vendor.
    if (pendingTerminalOf(job, now)) return () => this.redeliver(lane, job);
    // An unsigned callback made it due (core/hint.ts), or its vendor is asked at an interval whatever came in: asked now.
    if (dueByHint(job) || lane.vendor.pollIntervalMs !== undefined) return undefined;
    // A webhook's claim leaves the index entry where the job's first event put it (one index write
    // per job, core/claim.ts): a job with news since is not quiet yet, its entry moves to its last
    // sign of life plus staleAfter, and the vendor is not asked.
    const quietFrom = job.lastActivityMs + this.deps.config.staleAfterMs;
    if (quietFrom > now) return () => this.moveOn(lane, job, quietFrom, false);
    return undefined;
  }

  /** Asks the vendor about the job (`request`: its first request, already built) and acts on the answer. */
  async poll(lane: Lane, job: JobRecord, request: StatusHttpRequest): Promise<void> {
    const { statusClient, limiter, clock } = this.deps;
    const { vendor, counts } = lane;
    counts.polled();
    counts.request();
    const latestStart = this.deadlineMs - vendor.requestTimeoutMs;
    const result = await statusClient.check(vendor.statusApi as VendorStatusApi, job.jobId, { baseUrl: lane.baseUrl, apiKey: lane.apiKey }, {
      timeoutMs: vendor.requestTimeoutMs,
      deadlineMs: this.deadlineMs,
      allowInsecureStatusApi: vendor.allowInsecureStatusApi,
      beforeFollowUp: async () => {
        if (!(await limiter.acquire(vendor.id, latestStart))) return false;
        limiter.sent(vendor.id, clock.now());
        counts.request();
        return true;
      },
    }, request);
    if (result.kind !== 'auth_error' && result.kind !== 'rate_limited') lane.consecutiveAuthErrors = 0;
    return this.act(lane, job, result, clock.now());
  }

  /**
   * A job the adapter builds no request for (its id would change the status URL's path): it is
   * never asked about, so it waits for its give-up age, when it expires like any quiet job.
   */
  async refuse(lane: Lane, job: JobRecord, refusal: StatusRefusal): Promise<void> {
    this.pollFailed(lane, job.jobId, refusal);
    const now = this.deps.clock.now();
    if (isPastGiveUp(job, now, this.deps.config)) return this.expire(lane, job, undefined);
    await this.moveOn(lane, job, giveUpAt(job, this.deps.config));
  }

  /** For a vendor that is not polled: look again at the job's give-up age, or after the longest backoff if polling comes back. */
  waitForGiveUp(lane: Lane, job: JobRecord, now: number): Promise<void> {
    return this.moveOn(lane, job, Math.min(giveUpAt(job, this.deps.config), now + this.deps.settings.maxBackoffMs));
  }

  /** Publishes the job's `expired` event (`last`: the vendor's last answer, if any). */
  async expire(lane: Lane, job: JobRecord, last: NormalizedFields | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const fields = expiredFields(job, this.deps.config.giveUpAfterMs, last, now);
    const { outcome } = await deliver(fields, { vendor: lane.vendor.id, receivedVia: 'poll', receivedAtMs: now }, this.delivery);
    if (outcome === 'enqueued') {
      lane.counts.expired();
      return;
    }
    // A different terminal event holds the job: delivered now by deliver() if it was kept on the
    // record, otherwise (too large to keep) claimed and not yet delivered: keep polling it, slowly.
    if (outcome === 'conflict') await this.moveOn(lane, job, this.backoffUntil(job, now, undefined));
    else this.note(lane, job, outcome);
  }

  /** What the vendor's answer makes of the job. */
  private act(lane: Lane, job: JobRecord, result: StatusCheckResult, now: number): Promise<void> | void {
    switch (result.kind) {
      case 'status':
        return this.publish(lane, job, result.fields, now, result.answers);
      case 'rate_limited':
        return this.pauseVendor(lane, job, result);
      case 'deferred':
        lane.counts.remaining();
        return;
      case 'auth_error':
        return this.keyRefused(lane, job, result, now);
      case 'refused':
        return this.refuse(lane, job, result);
      default:
        // An answer the adapter read but could not understand could have made an event: kept, as a quarantined webhook is.
        if (result.kind === 'invalid' && result.answers?.length) this.keep(lane, now, result.answers, { verdict: 'quarantined', eventId: null, jobId: job.jobId, reason: result.reason }, receivedViaOf(job));
        this.pollFailed(lane, job.jobId, result);
        return this.backOff(lane, job, now, undefined);
    }
  }

  /**
   * Publishes the vendor's answer; a quiet job past its give-up age expires instead. An answer
   * about another job is not published (for any vendor): a status URL that does not tell jobs
   * apart, or a vendor bug, would otherwise publish one job's result, its video, for every job.
   */
  private async publish(lane: Lane, job: JobRecord, fields: NormalizedFields, now: number, answers: readonly ReadAnswer[]): Promise<void> {
    if (fields.jobId !== job.jobId) {
      // Not archived either: an answer about another job is never published, whatever a replay would make of it.
      lane.counts.error(pollFailure(job.jobId, 'wrong_job', 'warn', { answerJobId: fields.jobId.slice(0, 200), detail: 'the status answer names another job id: not published' }));
      return this.backOff(lane, job, now, undefined);
    }
    const interval = lane.vendor.pollIntervalMs;
    const nextPollAtMs = interval === undefined ? undefined : this.runStartMs + interval;
    const receivedVia = receivedViaOf(job);
    const { outcome } = await deliver(fields, { vendor: lane.vendor.id, receivedVia, receivedAtMs: now, nextPollAtMs }, this.delivery, async (verdict, event) =>
      this.keep(lane, now, answers, { verdict, eventId: event.id, jobId: event.data.jobId }, receivedVia),
    );
    if (outcome === 'enqueued') {
      lane.counts.hit();
      return; // the claim moved the job on (or made it final)
    }
    if (outcome === 'busy' || (outcome === 'duplicate' && isTerminal(fields.status))) return;
    // Nothing new (same status, behind, or a terminal conflict): the job is quiet.
    if (isPastGiveUp(job, now, this.deps.config)) return this.expire(lane, job, fields);
    // A vendor polled at an interval: asked again at it, not on a growing backoff.
    await this.moveOn(lane, job, nextPollAtMs === undefined ? this.backoffUntil(job, now, undefined) : Math.min(nextPollAtMs, giveUpAt(job, this.deps.config)));
  }

  /** Adds the record of a status answer to the run's archive batch (written later: a poll is not held up by it). */
  private keep(lane: Lane, receivedAtMs: number, answers: readonly ReadAnswer[], verdict: ArchiveVerdictFields, receivedVia: ArchiveReceivedVia): void {
    const [first, ...followUps] = answers;
    if (!first) return;
    this.archive.add(archiveRecord({ vendor: lane.vendor.id, receivedAtMs, receivedVia, headers: {}, body: first.body }, verdict, followUps));
  }

  /** A 429: nothing learned; the vendor is paused, and the job keeps its place for the next run. */
  private pauseVendor(lane: Lane, job: JobRecord, result: Extract<StatusCheckResult, { kind: 'rate_limited' }>): void {
    const { vendor } = lane;
    lane.counts.rateLimited();
    this.deps.limiter.pauseUntil(vendor.id, result.retryAtMs);
    this.deps.telemetry.log('warn', 'vendor status API rate limit hit: pausing the vendor', {
      vendor: vendor.id,
      jobId: job.jobId,
      httpStatus: result.httpStatus,
      pausedUntil: new Date(result.retryAtMs).toISOString(),
    });
  }

  /** A 401/403: counted, the job backed off long; enough of them in a row stop the lane. */
  private keyRefused(lane: Lane, job: JobRecord, result: Extract<StatusCheckResult, { kind: 'auth_error' }>, now: number): Promise<void> {
    const { settings } = this.deps;
    lane.counts.error({ reason: AUTH_REASON, level: 'error', message: 'vendor status API refused our key: check the status-API key secret', fields: { jobId: job.jobId, httpStatus: result.httpStatus } });
    if (++lane.consecutiveAuthErrors >= settings.authErrorsBeforeStop) lane.authStopped = true;
    return this.backOff(lane, job, now, settings.authErrorBackoffMs);
  }

  /** Counts a poll that failed under the answer's reason. */
  private pollFailed(lane: Lane, jobId: string, result: FailedAnswer): void {
    const reason = result.kind === 'error' ? result.reason : result.kind;
    lane.counts.error(pollFailure(jobId, reason, result.kind === 'not_found' ? 'info' : 'warn', { httpStatus: 'httpStatus' in result ? result.httpStatus : null, ...detailOf(result) }));
  }

  /** After a failed poll: the job expires if past its give-up age, else is looked at again after `delayMs` (or its backoff). */
  private async backOff(lane: Lane, job: JobRecord, now: number, delayMs: number | undefined): Promise<void> {
    if (isPastGiveUp(job, now, this.deps.config)) return this.expire(lane, job, undefined);
    const interval = lane.vendor.pollIntervalMs;
    await this.moveOn(lane, job, interval !== undefined && delayMs === undefined ? intervalBackoffUntil(job, now, this.deps.config, interval) : this.backoffUntil(job, now, delayMs));
  }

  private async redeliver(lane: Lane, job: JobRecord): Promise<void> {
    if (await deliverPendingTerminal(job, this.delivery)) lane.counts.redelivered();
  }

  /** Writes the job's next poll time (null: off the index), conditional on the version read; `attempt`: it counts as a poll with no news. */
  private async moveOn(lane: Lane, job: JobRecord, nextPollAtMs: number | null, attempt = true): Promise<void> {
    const next: JobRecord = { ...job, version: job.version + 1, nextPollAtMs, pollAttempts: job.pollAttempts + (attempt ? 1 : 0) };
    if (!(await this.deps.store.put(next, job.version))) {
      // The job changed since the index was read (an event came in): its new state stands.
      this.deps.telemetry.log('debug', 'job changed while polled; backoff not written', { vendor: lane.vendor.id, jobId: job.jobId });
    }
  }

  private backoffUntil(job: JobRecord, now: number, delayMs: number | undefined): number {
    return backoffUntil(job, now, this.deps.config, this.deps.settings.maxBackoffMs, delayMs);
  }

  private note(lane: Lane, job: JobRecord, outcome: DeliveryOutcome): void {
    if (outcome === 'busy') lane.counts.skipped();
    this.deps.telemetry.log('debug', `expiry ${outcome}`, { vendor: lane.vendor.id, jobId: job.jobId });
  }
}

/** `callback` when an unsigned callback made the job due (its status API was asked because of it), else `poll`. */
function receivedViaOf(job: JobRecord): ReceivedVia {
  return dueByHint(job) ? 'callback' : 'poll';
}

/** A task or a lane that failed on our own side (DynamoDB, SQS, Secrets Manager): the job stays due. */
export function runFailure(reason: string, err: unknown): PollFailure {
  return { reason, level: 'error', message: 'poll of a job failed; it stays due for the next run', fields: { reason, error: describeError(err) } };
}

/** A poll that learned nothing usable: backed off, its first few per reason logged loud. */
function pollFailure(jobId: string, reason: string, level: 'info' | 'warn', fields: Readonly<Record<string, unknown>>): PollFailure {
  return { reason, level, message: 'status poll failed; backing off', fields: { jobId, reason, ...fields }, quietAfterFew: true };
}

/** What a failed poll's log line says beyond its reason: what was wrong with the answer, where a redirect pointed, why no request was built. */
function detailOf(result: FailedAnswer): { detail?: string } {
  if (result.kind === 'invalid' || result.kind === 'refused') return { detail: result.reason };
  return result.kind === 'error' && result.detail !== undefined ? { detail: result.detail } : {};
}
