/**
 * The claim of an event on its job's record, as pure rules. The store decides the common case in
 * one conditional write (`claimsAtOnce`: the DynamoDB store encodes it as the ConditionExpression
 * of an UpdateItem), so a new event costs no read and a duplicate one failed write; anything else
 * comes back as the stored record, which `judge` reads to say why (duplicate, stale, conflict,
 * busy) or to claim it with a write conditional on its version (a takeover, an expired record).
 *
 *   stored record            claimsAtOnce   judge
 *   none                     yes            claim
 *   expired                  no             claim (replaces it)
 *   a terminal event         no             conflict / stale / duplicate / claim (own, undelivered)
 *   last event undelivered   no             busy (lease held) / claim (own retry, or lease over)
 *   last event delivered     when the rules hold: not a recent id, not behind, no lease
 */
import type { VideoJobEvent, VideoJobStatus } from './event';
import { isTerminal } from './event';
import type { ClaimRequest, JobRecord } from './ports';

export type { ClaimRequest, ClaimResult } from './ports';

export type Verdict = 'claim' | 'duplicate' | 'stale' | 'conflict' | 'busy';

/** Whether the store claims at once: a new job, or a live one whose last event was delivered and that the rules let through. Pure. */
export function claimsAtOnce(stored: JobRecord | undefined, r: ClaimRequest): boolean {
  if (!stored) return true;
  if (stored.expiresAtMs <= r.nowMs || stored.terminalEventId !== null) return false;
  if (stored.lastEventId !== null && (stored.lastEventId === r.eventId || !stored.lastEventDelivered)) return false;
  if (stored.leaseUntilMs !== null && stored.leaseUntilMs > r.nowMs) return false;
  if (r.terminal) return true;
  return !stored.recentEventIds.includes(r.eventId) && !isBehind(stored.position, r);
}

/** What to do with the event given the job's live (unexpired) record. Pure; every claim `claimsAtOnce` allows is a 'claim' here too. */
export function judge(current: JobRecord | undefined, r: ClaimRequest): Verdict {
  if (current?.terminalEventId) {
    if (current.terminalEventId !== r.eventId) return r.terminal ? 'conflict' : 'stale';
    if (current.terminalDelivered) return 'duplicate';
    // Our own terminal claim, undelivered: a retry takes it over (a concurrent copy is dropped by SQS).
  } else if (!r.terminal && current) {
    if (current.lastEventId === r.eventId) {
      if (current.lastEventDelivered) return 'duplicate';
    } else if (current.recentEventIds.includes(r.eventId)) {
      return 'duplicate';
    } else if (isBehind(current.position, r)) {
      return 'stale';
    }
  }
  const leaseHeldByOther = current !== undefined && current.leaseUntilMs !== null && current.leaseUntilMs > r.nowMs && current.lastEventId !== r.eventId;
  return leaseHeldByOther ? 'busy' : 'claim';
}

/** The record a claim makes of `base` (the live record, or none). Pure: what the store's one write leaves too. */
export function applyClaim(base: JobRecord | undefined, r: ClaimRequest): JobRecord {
  const b = base ?? freshRecord(r);
  return {
    ...b,
    version: b.version + 1,
    status: r.status,
    position: Math.max(b.position, r.position),
    lastEventId: r.eventId,
    lastEventDelivered: false,
    // The event claimed before this one, if it was delivered, joins the recent ones.
    recentEventIds: b.lastEventId && b.lastEventDelivered && b.lastEventId !== r.eventId ? recentIds(b.recentEventIds, b.lastEventId) : b.recentEventIds,
    leaseUntilMs: r.leaseUntilMs,
    terminalEventId: r.terminal ? r.eventId : null,
    terminalDelivered: false,
    pendingTerminal: r.terminal ? r.pendingTerminal : null,
    lastActivityMs: r.nowMs,
    // A terminal claim keeps the job visible to the poller until it is delivered.
    nextPollAtMs: r.moveEntry && !r.terminal ? r.nextPollAtMs : (b.nextPollAtMs ?? r.nextPollAtMs),
    pollAttempts: 0,
    expiresAtMs: r.expiresAtMs,
  };
}

/** How many delivered event ids a record keeps besides its last one (36 bytes each on the item). */
export const RECENT_EVENT_IDS = 6;

/** `ids` with `id` appended (moved to the end if there), the oldest beyond RECENT_EVENT_IDS dropped. */
export function recentIds(ids: readonly string[], id: string): readonly string[] {
  return [...ids.filter((i) => i !== id), id].slice(-RECENT_EVENT_IDS);
}

/** 0 registered, 1 queued, 2..2.5 processing by progress, 3 final. */
export function positionOf(status: VideoJobStatus | 'registered', progress: number | null): number {
  if (status === 'registered') return 0;
  if (isTerminal(status)) return 3;
  const base = status === 'queued' ? 1 : 2;
  return progress === null || !Number.isFinite(progress) ? base : base + Math.min(Math.max(progress, 0), 1) / 2;
}

/** The claim request of `event` at `nowMs`. */
export function claimRequestOf(
  event: VideoJobEvent,
  nowMs: number,
  config: { readonly claimLeaseMs: number; readonly staleAfterMs: number; readonly giveUpAfterMs: number; readonly dedupeWindowMs: number },
  options: { readonly pendingTerminal: string | null; readonly moveEntry: boolean; readonly nextPollAtMs?: number },
): ClaimRequest {
  const { data } = event;
  const terminal = isTerminal(data.status);
  return {
    vendor: data.vendor,
    jobId: data.jobId,
    eventId: event.id,
    status: data.status,
    terminal,
    position: positionOf(data.status, data.progress),
    samePositionOk: data.progress === null,
    nowMs,
    leaseUntilMs: nowMs + config.claimLeaseMs,
    pendingTerminal: terminal ? options.pendingTerminal : null,
    nextPollAtMs: options.nextPollAtMs ?? nowMs + config.staleAfterMs,
    moveEntry: options.moveEntry,
    expiresAtMs: nowMs + config.giveUpAfterMs + config.dedupeWindowMs,
  };
}

/**
 * A non-terminal event is behind when the job is further along. Events without a progress figure
 * (stage events) may share a position, so only a strictly greater position makes them stale.
 */
function isBehind(currentPosition: number, r: ClaimRequest): boolean {
  return r.samePositionOk ? currentPosition > r.position : currentPosition >= r.position;
}

function freshRecord(r: ClaimRequest): JobRecord {
  return blankRecord(r.vendor, r.jobId, r.nowMs, r.nextPollAtMs, r.expiresAtMs);
}

/** A job's record before any event: registered at `nowMs`, due at `nextPollAtMs`. */
export function blankRecord(vendor: string, jobId: string, nowMs: number, nextPollAtMs: number | null, expiresAtMs: number): JobRecord {
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
    lastActivityMs: nowMs,
    createdAtMs: nowMs,
    nextPollAtMs,
    pollAttempts: 0,
    expiresAtMs,
  };
}
