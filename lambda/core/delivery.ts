/**
 * The delivery core: claim the event on the job's record, send it to the FIFO queue, mark it
 * delivered. A new event is 3 sequential calls: one conditional write that decides and claims at
 * once (the store evaluates `claimsAtOnce`, see claim.ts), the SQS send, and the delivered mark; a
 * duplicate, late progress or a terminal conflict is the one failed write, whose answer (the
 * stored record) says which.
 *
 * Why it is safe:
 * - every write is conditional (the claim on the rules, the rest on the version), so concurrent
 *   attempts cannot both claim;
 * - the claim carries a lease: an attempt that dies between claim and send leaves state that a
 *   retry of the same event (or the poller) takes over at once, and that other events wait out;
 * - the same event id sent twice inside SQS's 5-minute window is dropped by SQS (dedup id = event
 *   id), after it by the record (`lastEventDelivered`, `recentEventIds`, `terminalDelivered`) for
 *   the dedupe window;
 * - the terminal event id is written once and never replaced, so the first terminal wins;
 * - the claimed terminal event itself is kept on the record until its delivery is confirmed, so
 *   an attempt that dies after claiming it cannot lose it: the next event of the job, or the
 *   poller, sends it first.
 */
import { HANDLER_METRICS } from '../contract/metrics';
import { applyClaim, blankRecord, claimRequestOf, judge, type ClaimRequest, type Verdict } from './claim';
import { buildEvent, eventIdFor, eventJson, TERMINAL_STATUSES, toMessage, type NormalizedFields, type ReceivedVia, type VideoJobEvent } from './event';
import type { Clock, EventQueue, JobRecord, JobStore, Telemetry } from './ports';

export { positionOf, RECENT_EVENT_IDS } from './claim';

export interface DeliveryConfig {
  readonly dedupeWindowMs: number;
  /** A non-final job with no news for this long is polled. */
  readonly staleAfterMs: number;
  /** Non-final jobs are kept at least this long after their last sign of life. */
  readonly giveUpAfterMs: number;
  readonly claimLeaseMs: number;
  /** How long an attempt waits for another event of the same job to finish before answering busy. */
  readonly busyWaitMs: number;
}

export interface DeliveryDeps {
  readonly store: JobStore;
  readonly queue: EventQueue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly config: DeliveryConfig;
}

export type DeliveryOutcome =
  /** Sent to the queue now. */
  | 'enqueued'
  /** Already delivered earlier: nothing sent. */
  | 'duplicate'
  /** Older than what the job already reported (late progress, progress after terminal): nothing sent. */
  | 'stale'
  /** A different terminal status after the job's terminal event: logged, counted, nothing sent. */
  | 'conflict'
  /** Another event of the job is between claim and send: try again shortly. */
  | 'busy';

/** Where an event comes from, and (for the poller) when its job is to be asked next. */
export interface DeliverySource {
  readonly vendor: string;
  readonly receivedVia: ReceivedVia;
  readonly receivedAtMs: number;
  /**
   * The job's next due time if this event is claimed and not terminal (the poller's, for a vendor
   * polled at an interval). @default - the claim's time plus staleAfter
   */
  readonly nextPollAtMs?: number;
}

export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly event: VideoJobEvent;
}

/**
 * Work that waits for an event's outcome (the archive's record of the request, core/archive.ts):
 * called once the outcome is known, and not for `busy`. A new event's is started as soon as it is
 * in the queue and runs alongside the delivered mark; the others' (a failed claim said it) after.
 * `deliver` settles only once it is over. It must not reject.
 */
export type OnOutcome = (outcome: Exclude<DeliveryOutcome, 'busy'>, event: VideoJobEvent) => Promise<void>;

/** Publishes normalized fields: the one path for webhooks and polls alike. */
export async function deliver(fields: NormalizedFields, source: DeliverySource, deps: DeliveryDeps, onOutcome?: OnOutcome): Promise<DeliveryResult> {
  const event = buildEvent(fields, source);
  const { store, clock, config } = deps;
  const waitUntil = clock.now() + config.busyWaitMs;
  // Kept on the record while a terminal event is pending; built once, whatever the attempts.
  const pending = event.data.terminal ? pendingJson(event) : null;
  for (let attempt = 0; ; attempt++) {
    const now = clock.now();
    // A poll (scheduled, or asked for by a callback) moves the job's index entry on: the vendor was just asked; a webhook leaves it.
    const request = claimRequestOf(event, now, config, { pendingTerminal: pending, moveEntry: source.receivedVia !== 'webhook', nextPollAtMs: source.nextPollAtMs });
    const result = await store.claim(request);
    if (result.claimed) {
      await sendAndMark(applyClaim(result.previous, request), event, deps, onOutcome);
      return finish(deps, event, 'enqueued');
    }
    const stored = result.current;
    const current = stored && stored.expiresAtMs > now ? stored : undefined;
    const pendingTerminal = pendingTerminalOf(current, now);
    if (current && pendingTerminal && pendingTerminal.id !== event.id) {
      // The job's first terminal event was claimed by an attempt that died before confirming it:
      // send that one now, then judge this event against a job that is final.
      await sendPending(current, pendingTerminal, now, deps);
      continue;
    }
    const verdict: Verdict = judge(current, request);
    if (verdict === 'busy') {
      if (clock.now() < waitUntil) {
        await clock.sleep(Math.min(25 * 2 ** attempt, 200));
        continue;
      }
      return finish(deps, event, 'busy');
    }
    if (verdict !== 'claim') {
      await onOutcome?.(verdict, event);
      return finish(deps, event, verdict);
    }
    // A claim the store does not make at once (a record past its expiry, a takeover of an attempt
    // that died): written conditional on the version it came back with.
    if (!(await claimOver(stored, current, request, deps))) continue; // raced: try again
    await sendAndMark(applyClaimOver(stored, current, request), event, deps, onOutcome);
    return finish(deps, event, 'enqueued');
  }
}

/** The claim of `request` over the stored record (`current` when it is live, else replaced), versioned after it. */
function applyClaimOver(stored: JobRecord | undefined, current: JobRecord | undefined, request: ClaimRequest): JobRecord {
  return { ...applyClaim(current, request), version: (stored?.version ?? 0) + 1 };
}

function claimOver(stored: JobRecord | undefined, current: JobRecord | undefined, request: ClaimRequest, deps: DeliveryDeps): Promise<boolean> {
  return deps.store.put(applyClaimOver(stored, current, request), stored?.version ?? null);
}

/**
 * Sends the pending terminal event (see JobRecord.pendingTerminal) of `record`, as just read, if
 * its attempt died. For the poller: a job whose terminal event is claimed but unconfirmed needs no
 * vendor request. Resolves true when it sent one; false when there is none or the record has moved
 * on since it was read (the write is conditional on its version).
 */
export async function deliverPendingTerminal(record: JobRecord, deps: DeliveryDeps): Promise<boolean> {
  const now = deps.clock.now();
  const pending = record.expiresAtMs > now ? pendingTerminalOf(record, now) : undefined;
  return pending ? sendPending(record, pending, now, deps) : false;
}

/** Claims `record` again and sends its pending terminal event; false when another attempt got there first. */
async function sendPending(record: JobRecord, pending: VideoJobEvent, now: number, deps: DeliveryDeps): Promise<boolean> {
  const claimed: JobRecord = { ...record, version: record.version + 1, leaseUntilMs: now + deps.config.claimLeaseMs };
  if (!(await deps.store.put(claimed, record.version))) return false;
  await sendAndMark(claimed, pending, deps);
  deps.telemetry.log('warn', 'sent the terminal event an earlier attempt claimed but never confirmed', logFields(pending));
  finish(deps, pending, 'enqueued');
  return true;
}

/**
 * The one way a claimed event reaches the queue: send, then mark it delivered (conditional on the
 * claim's version), with `onOutcome` alongside the mark once the send is done. Rejects when the
 * queue or the store fails, leaving a claim a retry takes over (after `onOutcome` is over).
 */
async function sendAndMark(claimed: JobRecord, event: VideoJobEvent, deps: DeliveryDeps, onOutcome?: OnOutcome): Promise<void> {
  // A kept terminal event is already its JSON.
  await deps.queue.send(toMessage(event, claimed.pendingTerminal ?? undefined));
  const side = onOutcome?.('enqueued', event) ?? Promise.resolve();
  let marked: boolean;
  try {
    marked = await deps.store.put(markDelivered(claimed, event, deps.clock.now(), deps.config), claimed.version);
  } finally {
    await side;
  }
  if (!marked) {
    // Someone moved the record on meanwhile: a concurrent copy of this event (SQS dropped its send)
    // or a newer event of the job. Either way this event is in the queue.
    deps.telemetry.log('info', 'record moved on before the delivered mark', logFields(event));
  }
}

/** The pending terminal event of a record whose claiming attempt is over (its lease has run out). */
export function pendingTerminalOf(record: JobRecord | undefined, now: number): VideoJobEvent | undefined {
  if (!record?.pendingTerminal || !record.terminalEventId || record.terminalDelivered) return undefined;
  if (record.leaseUntilMs !== null && record.leaseUntilMs > now) return undefined;
  let event: VideoJobEvent;
  try {
    event = JSON.parse(record.pendingTerminal) as VideoJobEvent;
  } catch {
    return undefined;
  }
  return vouchedFor(event, record) ? event : undefined;
}

/**
 * Whether a kept terminal event is one the delivery core could have claimed for this record: its
 * own job, a terminal status, and the id that vendor, job and status give. Stored JSON is sent
 * only then (a record written by anyone else, say with the registration grant, is not obeyed).
 */
function vouchedFor(event: VideoJobEvent, record: JobRecord): boolean {
  const data = event?.data;
  if (!data || typeof data !== 'object' || event.id !== record.terminalEventId) return false;
  if (data.vendor !== record.vendor || data.jobId !== record.jobId || event.subject !== record.jobId) return false;
  if (typeof data.status !== 'string' || !TERMINAL_STATUSES.has(data.status) || data.terminal !== true) return false;
  if (event.type !== `video.job.${data.status}` || event.source !== `video-webhooks/${record.vendor}` || event.specversion !== '1.0') return false;
  return eventIdFor(record.vendor, { jobId: record.jobId, status: data.status, progress: null, stage: null }) === event.id;
}

/**
 * The largest terminal event kept on the record while it is pending (bytes of JSON). Larger ones
 * (a huge vendor payload in `raw`) are not kept, to bound the write cost; for them a dead attempt
 * is recovered only by the same terminal status arriving again.
 */
export const MAX_PENDING_TERMINAL_BYTES = 64 * 1024;

function pendingJson(event: VideoJobEvent): string | null {
  const json = eventJson(event);
  return json.length <= MAX_PENDING_TERMINAL_BYTES / 3 || Buffer.byteLength(json) <= MAX_PENDING_TERMINAL_BYTES ? json : null;
}

type Decision = { readonly kind: Exclude<DeliveryOutcome, 'enqueued'> } | { readonly kind: 'claim'; readonly claimed: JobRecord };

/** What to do with `event` given the job's current (unexpired) record, and the record a claim makes (claim.ts). Pure. */
export function decide(current: JobRecord | undefined, event: VideoJobEvent, now: number, config: DeliveryConfig, receivedVia: ReceivedVia = event.data.receivedVia): Decision {
  const request = claimRequestOf(event, now, config, { pendingTerminal: event.data.terminal ? pendingJson(event) : null, moveEntry: receivedVia !== 'webhook' });
  const verdict = judge(current, request);
  return verdict === 'claim' ? { kind: 'claim', claimed: applyClaim(current, request) } : { kind: verdict };
}

/** A record for a job seen for the first time by registration. */
export function newRecord(vendor: string, jobId: string, now: number, config: Pick<DeliveryConfig, 'staleAfterMs' | 'giveUpAfterMs' | 'dedupeWindowMs'>): JobRecord {
  return blankRecord(vendor, jobId, now, now + config.staleAfterMs, now + config.giveUpAfterMs + config.dedupeWindowMs);
}

function markDelivered(claimed: JobRecord, event: VideoJobEvent, now: number, config: DeliveryConfig): JobRecord {
  const terminal = event.data.terminal;
  return {
    ...claimed,
    version: claimed.version + 1,
    lastEventDelivered: true,
    leaseUntilMs: null,
    terminalDelivered: terminal,
    pendingTerminal: null,
    nextPollAtMs: terminal ? null : claimed.nextPollAtMs,
    expiresAtMs: terminal ? now + config.dedupeWindowMs : claimed.expiresAtMs,
  };
}

const OUTCOME_METRIC = {
  enqueued: HANDLER_METRICS.ENQUEUED,
  duplicate: HANDLER_METRICS.DUPLICATES,
  stale: HANDLER_METRICS.STALE,
  conflict: HANDLER_METRICS.CONFLICTS,
  busy: HANDLER_METRICS.BUSY,
} as const;

function finish(deps: DeliveryDeps, event: VideoJobEvent, outcome: DeliveryOutcome): DeliveryResult {
  deps.telemetry.count(OUTCOME_METRIC[outcome], event.data.vendor);
  const level = outcome === 'conflict' ? 'warn' : 'info';
  const fields = logFields(event);
  fields.outcome = outcome;
  deps.telemetry.log(level, `event ${outcome}`, fields);
  return { outcome, event };
}

/** The correlation fields of every log line about an event: never the payload. */
export function logFields(event: VideoJobEvent): Record<string, unknown> {
  return {
    vendor: event.data.vendor,
    jobId: event.data.jobId,
    eventId: event.id,
    status: event.data.status,
    receivedVia: event.data.receivedVia,
  };
}
