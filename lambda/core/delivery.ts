/**
 * The delivery core: claim the event on the job's record, send it to the FIFO queue, mark it
 * delivered. Two conditional DynamoDB writes and one SQS send per new event; duplicates, late
 * progress and terminal conflicts cost one consistent read and no write.
 *
 * Why it is safe:
 * - every write is conditional on the version read, so concurrent attempts cannot both claim;
 * - the claim carries a lease: an attempt that dies between claim and send leaves state that a
 *   retry of the same event (or the poller) takes over at once, and that other events wait out;
 * - the same event id sent twice inside SQS's 5-minute window is dropped by SQS (dedup id = event
 *   id), after it by the record (`lastEventDelivered`/`terminalDelivered`) for the dedupe window;
 * - the terminal event id is written once and never replaced, so the first terminal wins;
 * - the claimed terminal event itself is kept on the record until its delivery is confirmed, so
 *   an attempt that dies after claiming it cannot lose it: the next event of the job, or the
 *   poller, sends it first.
 */
import { HANDLER_METRICS } from '../contract/metrics';
import { buildEvent, eventIdFor, eventJson, isTerminal, TERMINAL_STATUSES, toMessage, type NormalizedFields, type ReceivedVia, type VideoJobEvent, type VideoJobStatus } from './event';
import type { Clock, EventQueue, JobRecord, JobStore, Telemetry } from './ports';

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

export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly event: VideoJobEvent;
}

/** Publishes normalized fields: the one path for webhooks and polls alike. */
export async function deliver(
  fields: NormalizedFields,
  source: { readonly vendor: string; readonly receivedVia: ReceivedVia; readonly receivedAtMs: number },
  deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const event = buildEvent(fields, source);
  const { store, clock, config } = deps;
  const waitUntil = clock.now() + config.busyWaitMs;
  for (let attempt = 0; ; attempt++) {
    const now = clock.now();
    const stored = await store.get(source.vendor, fields.jobId);
    const current = stored && stored.expiresAtMs > now ? stored : undefined;
    const pending = pendingTerminalOf(current, now);
    if (current && pending && pending.id !== event.id) {
      // The job's first terminal event was claimed by an attempt that died before confirming it:
      // send that one now, then judge this event against a job that is final.
      await sendPending(current, pending, now, deps);
      continue;
    }
    const decision = decide(current, event, now, config);
    if (decision.kind === 'busy') {
      if (clock.now() < waitUntil) {
        await clock.sleep(Math.min(25 * 2 ** attempt, 200));
        continue;
      }
      return finish(deps, event, 'busy');
    }
    if (decision.kind !== 'claim') return finish(deps, event, decision.kind);

    if (!(await sendAndConfirm(decision.claimed, stored?.version ?? null, event, deps))) continue; // raced: read again
    return finish(deps, event, 'enqueued');
  }
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
  if (!(await sendAndConfirm(claimed, record.version, pending, deps))) return false;
  deps.telemetry.log('warn', 'sent the terminal event an earlier attempt claimed but never confirmed', logFields(pending));
  finish(deps, pending, 'enqueued');
  return true;
}

/**
 * The one way an event reaches the queue: write the claim (conditional on the version read), send,
 * then mark it delivered. False when the claim lost a race (nothing was sent); rejects when the
 * store or the queue fails, leaving a claim a retry takes over.
 */
async function sendAndConfirm(claimed: JobRecord, readVersion: number | null, event: VideoJobEvent, deps: DeliveryDeps): Promise<boolean> {
  if (!(await deps.store.put(claimed, readVersion))) return false;
  // A kept terminal event is already its JSON.
  await deps.queue.send(toMessage(event, claimed.pendingTerminal ?? undefined));
  if (!(await deps.store.put(markDelivered(claimed, event, deps.clock.now(), deps.config), claimed.version))) {
    // Someone moved the record on meanwhile: a concurrent copy of this event (SQS dropped its send)
    // or a newer event of the job. Either way this event is in the queue.
    deps.telemetry.log('info', 'record moved on before the delivered mark', logFields(event));
  }
  return true;
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

/** What to do with `event` given the job's current (unexpired) record. Pure. */
export function decide(current: JobRecord | undefined, event: VideoJobEvent, now: number, config: DeliveryConfig): Decision {
  const { data } = event;
  const terminal = isTerminal(data.status);
  const leaseHeldByOther = current !== undefined && current.leaseUntilMs !== null && current.leaseUntilMs > now && current.lastEventId !== event.id;

  if (current?.terminalEventId) {
    if (current.terminalEventId !== event.id) return { kind: terminal ? 'conflict' : 'stale' };
    if (current.terminalDelivered) return { kind: 'duplicate' };
    // Our own terminal claim, undelivered: a retry takes it over (a concurrent copy is dropped by SQS).
  } else if (!terminal && current) {
    if (current.lastEventId === event.id) {
      if (current.lastEventDelivered) return { kind: 'duplicate' };
    } else if (current.recentEventIds.includes(event.id)) {
      return { kind: 'duplicate' };
    } else if (isBehind(positionOf(data.status, data.progress), data.progress, current.position)) {
      return { kind: 'stale' };
    }
  }
  if (leaseHeldByOther) return { kind: 'busy' };

  const base: JobRecord = current ?? newRecord(data.vendor, data.jobId, now, config);
  const claimed: JobRecord = {
    ...base,
    version: base.version + 1,
    status: data.status,
    position: Math.max(base.position, positionOf(data.status, data.progress)),
    lastEventId: event.id,
    lastEventDelivered: false,
    // The event claimed before this one, if it was delivered, joins the recent ones.
    recentEventIds: base.lastEventId && base.lastEventDelivered && base.lastEventId !== event.id ? recent(base.recentEventIds, base.lastEventId) : base.recentEventIds,
    leaseUntilMs: now + config.claimLeaseMs,
    terminalEventId: terminal ? event.id : null,
    terminalDelivered: false,
    pendingTerminal: terminal ? pendingJson(event) : null,
    lastActivityMs: now,
    // A terminal claim keeps the job visible to the poller until it is delivered.
    nextPollAtMs: terminal ? (base.nextPollAtMs ?? now + config.staleAfterMs) : now + config.staleAfterMs,
    pollAttempts: 0,
    expiresAtMs: Math.max(base.expiresAtMs, now + config.giveUpAfterMs + config.dedupeWindowMs),
  };
  return { kind: 'claim', claimed };
}

/** A record for a job seen for the first time (by event or by registration). */
export function newRecord(vendor: string, jobId: string, now: number, config: Pick<DeliveryConfig, 'staleAfterMs' | 'giveUpAfterMs' | 'dedupeWindowMs'>): JobRecord {
  return {
    vendor,
    jobId,
    version: 0,
    status: 'registered',
    position: 0,
    lastEventId: null,
    lastEventDelivered: false,
    recentEventIds: [],
    leaseUntilMs: null,
    terminalEventId: null,
    terminalDelivered: false,
    pendingTerminal: null,
    lastActivityMs: now,
    createdAtMs: now,
    nextPollAtMs: now + config.staleAfterMs,
    pollAttempts: 0,
    expiresAtMs: now + config.giveUpAfterMs + config.dedupeWindowMs,
  };
}

/** How many delivered event ids a record keeps besides its last one (36 bytes each on the item). */
export const RECENT_EVENT_IDS = 6;

function recent(ids: readonly string[], id: string): readonly string[] {
  return [...ids.filter((i) => i !== id), id].slice(-RECENT_EVENT_IDS);
}

/** 0 registered, 1 queued, 2..2.5 processing by progress, 3 final. */
export function positionOf(status: VideoJobStatus | 'registered', progress: number | null): number {
  if (status === 'registered') return 0;
  if (isTerminal(status)) return 3;
  const base = status === 'queued' ? 1 : 2;
  return progress === null || !Number.isFinite(progress) ? base : base + Math.min(Math.max(progress, 0), 1) / 2;
}

/**
 * A non-terminal event is behind when the job is further along. Events without a progress figure
 * (stage events) may share a position, so only a strictly greater position makes them stale.
 */
function isBehind(position: number, progress: number | null, currentPosition: number): boolean {
  return progress === null ? currentPosition > position : currentPosition >= position;
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
