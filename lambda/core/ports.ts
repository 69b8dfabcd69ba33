/**
 * The small ports the delivery core talks through. Lambda, the local dev server, the poller and
 * the tests all run the same core with different implementations of these.
 */
import type { ArchiveRecord } from '../contract/archive';
import type { MetricName } from '../contract/metrics';
import type { VideoJobStatus } from '../contract/statuses';

/** A job's state, one DynamoDB item per job (`pk = vendor#jobId`). */
export interface JobRecord {
  readonly vendor: string;
  readonly jobId: string;
  /** Optimistic-concurrency version, counted up by every write: each is conditional on the version it read, but a claim (conditional on the delivery rules, core/claim.ts). */
  readonly version: number;
  /** `registered` until the first event for the job arrives. */
  readonly status: VideoJobStatus | 'registered';
  /** How far the job has got: 0 registered, 1 queued, 2..2.5 processing by progress, 3 final. Never goes down. */
  readonly position: number;
  /** The newest event claimed for the job, and whether it reached the queue. */
  readonly lastEventId: string | null;
  readonly lastEventDelivered: boolean;
  /**
   * The ids of the job's last non-terminal events delivered before the newest one (at most
   * RECENT_EVENT_IDS, oldest first): a vendor's retry of an earlier stage event that arrives after
   * a later one is a duplicate, not a new message (stage events share a position, so it is not stale).
   * (On the DynamoDB item the attribute also holds the newest event's id once it is delivered, so
   * that a claim, which does not rewrite it, never forgets a delivered id.)
   */
  readonly recentEventIds: readonly string[];
  /** While set and in the future, another attempt is between claim and delivery. */
  readonly leaseUntilMs: number | null;
  /** The job's one terminal event: set once, never replaced (the first terminal wins). */
  readonly terminalEventId: string | null;
  readonly terminalDelivered: boolean;
  /**
   * The claimed terminal event as JSON, kept until its delivery is confirmed: if the attempt dies
   * between claim and confirmation, whatever comes next for the job (another event, the poller)
   * sends this one, so the first terminal event is never lost. Null when none is pending, or when
   * the event was too large to keep (see MAX_PENDING_TERMINAL_BYTES).
   */
  readonly pendingTerminal: string | null;
  /** Last sign of life: an event or the registration. The poller's give-up age counts from here. */
  readonly lastActivityMs: number;
  readonly createdAtMs: number;
  /** When the poller should look at the job next; null once the job is final (leaves the GSI). */
  readonly nextPollAtMs: number | null;
  readonly pollAttempts: number;
  /** After this the item counts as absent (DynamoDB TTL deletes it days later). */
  readonly expiresAtMs: number;
  /**
   * When an unsigned callback last made the job due (core/hint.ts): a job whose due time is this
   * is asked because of a hint, and its events say `receivedVia: "callback"`. @default - never
   */
  readonly hintedAtMs?: number;
}

/** What a hint asks of the store (core/hint.ts). */
export interface HintRequest {
  readonly vendor: string;
  readonly jobId: string;
  readonly nowMs: number;
  /** A hint recorded at or after `nowMs - intervalMs` blocks this one. */
  readonly intervalMs: number;
}

export type HintResult =
  /** Recorded: the job is due now (`hintedAtMs` and its due time set to `nowMs`, its version counted up). */
  | { readonly recorded: true }
  /** Nothing written; `current` is the stored record (expired or not), for `hintVerdict`. */
  | { readonly recorded: false; readonly current: JobRecord | undefined };

/** What a claim asks of the store (core/claim.ts): everything the claim writes and its rules need. */
export interface ClaimRequest {
  readonly vendor: string;
  readonly jobId: string;
  readonly eventId: string;
  readonly status: VideoJobStatus;
  readonly terminal: boolean;
  /** `positionOf(status, progress)` of the event. */
  readonly position: number;
  /** True for an event without a progress figure (a stage event): a record at the same position is not ahead of it. */
  readonly samePositionOk: boolean;
  readonly nowMs: number;
  readonly leaseUntilMs: number;
  /** A terminal event's JSON, kept while it is pending (null: not terminal, or too large to keep). */
  readonly pendingTerminal: string | null;
  /** The job's due time in the `pending` index when the claim adds it (or, with `moveEntry`, moves it). */
  readonly nextPollAtMs: number;
  /**
   * A non-terminal claim moves the job's index entry to `nextPollAtMs` (the poller's claims, after
   * asking the vendor); otherwise the entry stays where it is (a webhook's claim: the poller moves
   * the entry of a job that was active since, see poller/poll-run.ts), so it is written once per job.
   */
  readonly moveEntry: boolean;
  readonly expiresAtMs: number;
}

export type ClaimResult =
  /** Claimed in the store's one write; `previous` is the record before it (none for a new job). */
  | { readonly claimed: true; readonly previous: JobRecord | undefined }
  /** Nothing written; `current` is the stored record (expired or not), for `judge`. */
  | { readonly claimed: false; readonly current: JobRecord | undefined };

export interface DuePage {
  readonly items: readonly JobRecord[];
  /** Opaque cursor for the next page, or undefined when there is none. */
  readonly cursor: string | undefined;
}

export interface JobStore {
  /** The stored record (expired or not), read consistently. */
  get(vendor: string, jobId: string): Promise<JobRecord | undefined>;
  /**
   * Claims an event in one conditional write when `claimsAtOnce(stored, request)` holds (the record
   * becomes `applyClaim(stored, request)`); otherwise writes nothing and gives the stored record
   * back, expired or not (core/claim.ts). Rejects on any other error.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Writes `record` if the stored version is `expectedVersion` (null: nothing is stored).
   * Resolves false when the condition fails; rejects on any other error.
   */
  put(record: JobRecord, expectedVersion: number | null): Promise<boolean>;
  /** Jobs of a vendor that are not final and due for a poll at `dueAtMs`, oldest first. */
  listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string): Promise<DuePage>;
  /**
   * Makes a job due now in one conditional write when `hintsAtOnce(stored, request)` holds
   * (core/hint.ts); otherwise writes nothing and gives the stored record back. Rejects on any other error.
   */
  hint(request: HintRequest): Promise<HintResult>;
}

/** One event as the queue carries it: its JSON, and what the FIFO queue orders and deduplicates it by. */
export interface EventMessage {
  /** The event id: the message's deduplication id. */
  readonly id: string;
  /** The job (FIFO group `jobKey(vendor, jobId)`): one job's events keep their order. */
  readonly vendor: string;
  readonly jobId: string;
  /** CloudEvents `type` and `source`, as message attributes consumers can filter on. */
  readonly type: string;
  readonly source: string;
  /** The event as CloudEvents JSON. */
  readonly body: string;
}

export interface EventQueue {
  /** Sends one event. Rejects on failure. */
  send(message: EventMessage): Promise<void>;
}

/** An authenticated request we could not normalize, kept so it can be fed through the verifier again. */
export interface QuarantineMessage {
  readonly vendor: string;
  readonly reason: string;
  readonly receivedAt: string;
  /** Only the signature headers and those the adapter's normalize reads: never a static key. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBase64: string;
  /** The vendor's signed timestamp (ms since epoch) checked when it arrived, if it had one. */
  readonly signedTimestampMs?: number;
  /** Set by a replay that sent the message back (see core/quarantine-replay.ts). */
  readonly replayRunId?: string;
  /** How many replays have sent it back. */
  readonly replays?: number;
}

export interface QuarantineQueue {
  send(message: QuarantineMessage): Promise<void>;
}

/**
 * Where every authenticated request is kept (lambda/contract/archive.ts): Amazon Data Firehose on
 * AWS, a directory on the laptop. Never in a request's way: the core runs a write alongside the
 * request's last call, waits for it before answering, and counts what it loses (core/archive.ts).
 */
export interface RequestArchive {
  /**
   * Writes the records, one line each, in as few calls as the store allows. Resolves with the
   * records it could not write, and why (none: all written); rejects when none is known written.
   */
  write(records: readonly ArchiveRecord[]): Promise<readonly ArchiveWriteFailure[]>;
}

/** A record the archive could not write. */
export interface ArchiveWriteFailure {
  readonly record: ArchiveRecord;
  /** A short reason, the metric's `Reason` dimension: `too_large`, `throttled`, `error`. */
  readonly reason: string;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Webhook secrets (or status-API keys) by id (a Secrets Manager SecretId, a variable name); several values are accepted during rotation. */
export interface SecretSource {
  /**
   * The accepted values, or an empty list if the secret is not configured. `vendor`, whose secret
   * it is, names it in logs and metrics.
   */
  get(id: string, vendor?: string): Promise<readonly string[]>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured logs and counters. Never pass a secret, a signature or a payload. */
export interface Telemetry {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
  count(metric: MetricName, vendor: string, value?: number, extraDimensions?: Readonly<Record<string, string>>): void;
}

/** A counter the handlers emit: one of the contract's names (lambda/contract/metrics.ts). */
export type { MetricName };

export const silentTelemetry: Telemetry = { log: () => undefined, count: () => undefined };
