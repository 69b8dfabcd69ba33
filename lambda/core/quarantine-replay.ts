/**
 * Feeds quarantined requests through the vendor adapters again, after an adapter fix. A
 * quarantined request was authenticated when it arrived, and only verifiers may write to the
 * quarantine, so it is not authenticated again (its timestamp is long stale by now): it is
 * normalized with the adapter of today and published through the same delivery core, with the
 * time it was first received. Event ids are deterministic, so replaying twice queues nothing twice.
 *
 * What happens to each message:
 * - it normalizes now: delivered (or found to be a duplicate, stale, a conflict), then deleted;
 * - its event type is one the adapter ignores: deleted;
 * - it normalizes, but arrived longer ago than the dedupe window: sent back, not delivered. The
 *   job's record, which keeps one terminal event per job, may have lapsed since (the quarantine
 *   keeps messages 14 days, the window may be minutes): a job that expired meanwhile would get a
 *   second terminal event;
 * - it still does not normalize, names a vendor this deployment does not have, or is not a
 *   quarantine message at all: sent again to the back of the quarantine (reason updated), then
 *   deleted, so it never blocks its vendor's FIFO group and nothing is lost;
 * - the backend fails while delivering it: left as it is; it becomes visible again and the next
 *   replay retries it.
 * A run stops when the quarantine answers empty twice in a row (long polls, see
 * EMPTY_RECEIVES_TO_STOP), when it receives only messages it sent back itself (every FIFO group
 * has come round), after `maxMessages`, or at its deadline.
 */
import { deliver, type DeliveryDeps, type DeliveryOutcome } from './delivery';
import type { QuarantineMessage } from './ports';
import type { NormalizeResult, RawRequest } from './adapter';
import { describeError } from './errors';
import { formatDuration } from './duration';
import { normalizeWithinBounds } from './admission';
import { isObject, safeJsonParse } from './json';

/** One received quarantine message. */
export interface QuarantineReceipt {
  /** The message body as received (normally a QuarantineMessage as JSON). */
  readonly body: string;
  /** What `delete` needs (the SQS receipt handle). */
  readonly handle: string;
}

/** The quarantine as the replay sees it. */
export interface QuarantineSource {
  /**
   * Up to `max` (at most 10) messages, hidden from other readers while this run works on them,
   * waiting up to `waitSeconds` (0 to 20) for one to arrive when none is there.
   */
  receive(max: number, waitSeconds: number): Promise<readonly QuarantineReceipt[]>;
  delete(handle: string): Promise<void>;
  /** Sends a message to the back of the quarantine as a new message (never dropped as a duplicate of itself). */
  requeue(message: QuarantineMessage): Promise<void>;
}

/** The part of an adapter the replay uses. */
export interface ReplayAdapter {
  normalize(req: RawRequest, auth: { readonly ok: true; readonly timestampMs: number | null }): NormalizeResult;
}

export interface ReplayDeps extends DeliveryDeps {
  readonly quarantine: QuarantineSource;
  /** The adapter of a vendor id, or undefined when this deployment has no such vendor. */
  readonly adapterFor: (vendor: string) => ReplayAdapter | undefined;
}

export interface ReplayOptions {
  /** Marks the messages this run sends back, so the run stops when they come round. */
  readonly runId: string;
  /** @default 1000 */
  readonly maxMessages?: number;
  /** Stop receiving at this time (ms since epoch). @default no deadline */
  readonly deadlineMs?: number;
  /**
   * How long one receive waits for a message (long polling), never past the deadline.
   * @default 20 (SQS's maximum)
   */
  readonly receiveWaitSeconds?: number;
}

export interface ReplaySummary {
  /** Messages handled (a message this run sent back is not handled twice). */
  readonly received: number;
  /** Delivered through the core, by outcome (`enqueued` are new events on the queue). */
  readonly delivered: Readonly<Record<DeliveryOutcome, number>>;
  readonly ignored: number;
  /** Sent back to the quarantine: still not normalizable, unknown vendor, or unreadable. */
  readonly requeued: number;
  /** Sent back, not replayed: they arrived longer ago than the dedupe window (see the file's doc). */
  readonly olderThanDedupeWindow: number;
  /** Left in place after a backend failure (visible again after the visibility timeout). */
  readonly failed: number;
  /** Why the run stopped. */
  readonly stoppedBecause: 'empty' | 'came-round' | 'max-messages' | 'deadline';
}

export const DEFAULT_REPLAY_MAX_MESSAGES = 1000;

/** SQS's longest receive wait: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html */
export const MAX_RECEIVE_WAIT_SECONDS = 20;

/**
 * Empty answers in a row before a run believes the quarantine is empty. Even a long poll can
 * answer empty while messages exist (a FIFO group hidden by this run's own in-flight messages, a
 * receive that races another reader); short polling samples only some of SQS's servers and may
 * answer empty while messages exist ("false empty responses"):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 */
export const EMPTY_RECEIVES_TO_STOP = 2;

/** Replays the quarantine once. Throws only when the quarantine itself cannot be read. */
export async function replayQuarantine(deps: ReplayDeps, options: ReplayOptions): Promise<ReplaySummary> {
  const maxMessages = options.maxMessages ?? DEFAULT_REPLAY_MAX_MESSAGES;
  const delivered: Record<DeliveryOutcome, number> = { enqueued: 0, duplicate: 0, stale: 0, conflict: 0, busy: 0 };
  let received = 0;
  let ignored = 0;
  let requeued = 0;
  let olderThanDedupeWindow = 0;
  let failed = 0;
  let emptyReceives = 0;
  const summary = (stoppedBecause: ReplaySummary['stoppedBecause']): ReplaySummary => {
    const result = { received, delivered, ignored, requeued, olderThanDedupeWindow, failed, stoppedBecause };
    deps.telemetry.log('info', 'quarantine replay finished', { ...result, runId: options.runId });
    return result;
  };

  for (;;) {
    if (received >= maxMessages) return summary('max-messages');
    if (options.deadlineMs !== undefined && deps.clock.now() >= options.deadlineMs) return summary('deadline');
    const batch = await deps.quarantine.receive(Math.min(10, maxMessages - received), receiveWait(deps, options));
    if (batch.length === 0) {
      if (++emptyReceives >= EMPTY_RECEIVES_TO_STOP) return summary('empty');
      continue;
    }
    emptyReceives = 0;
    let fresh = 0;
    for (const receipt of batch) {
      const message = parseQuarantineMessage(receipt.body);
      if (message?.replayRunId === options.runId) {
        // Sent back by this very run: everything before it in its FIFO group has been tried.
        // Leave it hidden (its group waits for the visibility timeout); other groups go on.
        continue;
      }
      fresh++;
      received++;
      try {
        const outcome = await replayOne(deps, message, receipt.body, options.runId);
        if (outcome === 'ignored') ignored++;
        else if (outcome === 'requeued') requeued++;
        else if (outcome === 'too-old') olderThanDedupeWindow++;
        else delivered[outcome]++;
        await deps.quarantine.delete(receipt.handle);
      } catch (err) {
        failed++;
        deps.telemetry.count('QuarantineReplayFailures', message?.vendor ?? 'unknown');
        deps.telemetry.log('error', 'quarantine replay failed for a message; it stays in the quarantine', {
          vendor: message?.vendor,
          error: describeError(err),
        });
      }
    }
    // Only messages this run sent back: every group has come round.
    if (fresh === 0) return summary('came-round');
  }
}

type OneOutcome = DeliveryOutcome | 'ignored' | 'requeued' | 'too-old';

/** The wait of the next receive: the configured one, cut to the whole seconds left before the deadline. */
function receiveWait(deps: ReplayDeps, options: ReplayOptions): number {
  const configured = Math.min(MAX_RECEIVE_WAIT_SECONDS, Math.max(0, Math.floor(options.receiveWaitSeconds ?? MAX_RECEIVE_WAIT_SECONDS)));
  if (options.deadlineMs === undefined) return configured;
  return Math.max(0, Math.min(configured, Math.floor((options.deadlineMs - deps.clock.now()) / 1000)));
}

async function replayOne(deps: ReplayDeps, message: QuarantineMessage | undefined, rawBody: string, runId: string): Promise<OneOutcome> {
  if (!message) {
    // Not ours (someone sent by hand?): keep it, readable, for a person to look at.
    await deps.quarantine.requeue({
      vendor: 'unknown',
      reason: 'not a quarantine message (kept as bodyBase64)',
      receivedAt: new Date(deps.clock.now()).toISOString(),
      headers: {},
      bodyBase64: Buffer.from(rawBody, 'utf8').toString('base64'),
      replayRunId: runId,
    });
    return 'requeued';
  }
  const adapter = deps.adapterFor(message.vendor);
  if (!adapter) return requeue(deps, message, `vendor ${message.vendor} is not configured in this deployment`, runId);

  const request: RawRequest = { headers: message.headers, body: Buffer.from(message.bodyBase64, 'base64') };
  // The same bounds as on arrival (core/admission.ts): what they refuse stays quarantined.
  const normalized = normalizeWithinBounds(adapter, request, { ok: true, timestampMs: message.signedTimestampMs ?? null });
  // A hint (an unsigned callback) is never quarantined and is no report: nothing to replay.
  if (normalized.kind === 'ignored' || normalized.kind === 'hint') {
    deps.telemetry.count('Ignored', message.vendor);
    return 'ignored';
  }
  if (normalized.kind === 'invalid') return requeue(deps, message, normalized.reason, runId);

  const receivedAtMs = Date.parse(message.receivedAt);
  // Past the window the job's record may be gone, and with it the first terminal event it kept:
  // delivering now could queue a second one. An unreadable time is treated the same way.
  if (Number.isNaN(receivedAtMs) || deps.clock.now() - receivedAtMs > deps.config.dedupeWindowMs) {
    await requeue(deps, message, tooOldReason(message.reason, deps.config.dedupeWindowMs), runId);
    deps.telemetry.log('warn', 'quarantined message older than the dedupe window kept, not replayed', { vendor: message.vendor, receivedAt: message.receivedAt });
    return 'too-old';
  }
  const { outcome } = await deliver(normalized.fields, { vendor: message.vendor, receivedVia: 'webhook', receivedAtMs }, deps);
  deps.telemetry.count('QuarantineReplayed', message.vendor);
  // Busy: another event of the job is between claim and send; try this one again later.
  return outcome === 'busy' ? requeue(deps, message, message.reason, runId) : outcome;
}

async function requeue(deps: ReplayDeps, message: QuarantineMessage, reason: string, runId: string): Promise<'requeued'> {
  await deps.quarantine.requeue({ ...message, reason, replayRunId: runId, replays: (message.replays ?? 0) + 1 });
  return 'requeued';
}

const TOO_OLD_PREFIX = 'older than the dedupe window';

/** The reason a too-old message is kept with; it keeps the first reason, once. */
function tooOldReason(reason: string, dedupeWindowMs: number): string {
  if (reason.startsWith(TOO_OLD_PREFIX)) return reason;
  return `${TOO_OLD_PREFIX} (${formatDuration(dedupeWindowMs)}): not replayed, to keep one terminal event per job; first quarantined because: ${reason}`;
}

/** The message, or undefined when the body is not a quarantine message. */
export function parseQuarantineMessage(body: string): QuarantineMessage | undefined {
  const m = safeJsonParse(body);
  if (!isObject(m)) return undefined;
  const headers = m.headers;
  const headersOk = isObject(headers) && Object.values(headers).every((v) => typeof v === 'string');
  if (typeof m.vendor !== 'string' || typeof m.reason !== 'string' || typeof m.receivedAt !== 'string' || typeof m.bodyBase64 !== 'string' || !headersOk) {
    return undefined;
  }
  return {
    vendor: m.vendor,
    reason: m.reason,
    receivedAt: m.receivedAt,
    headers: headers as Record<string, string>,
    bodyBase64: m.bodyBase64,
    ...(typeof m.signedTimestampMs === 'number' ? { signedTimestampMs: m.signedTimestampMs } : {}),
    ...(typeof m.replayRunId === 'string' ? { replayRunId: m.replayRunId } : {}),
    ...(typeof m.replays === 'number' ? { replays: m.replays } : {}),
  };
}
