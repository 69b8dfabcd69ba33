/**
 * The archive's contract: one record per authenticated request (a webhook, or a status answer
 * that made or could have made an event), as the verifier and the poller write it and as the
 * replay reads it, the same on S3 (through Amazon Data Firehose) and in a local directory
 * (`video-webhooks dev --archive-dir`). Plain data: lib/ (the delivery stream, the bucket, the
 * Glue table's columns) and the runtime read it.
 */

/** The record format's version: a reader refuses a record of a version it does not know. */
export const ARCHIVE_RECORD_VERSION = 1;

/** What the pipeline did with an archived request. */
export type ArchiveVerdict = 'enqueued' | 'duplicate' | 'stale' | 'conflict' | 'ignored' | 'quarantined';

/** How the archived request reached the pipeline. */
/** `callback`: a status answer the poller asked for because an unsigned callback named the job (its event says the same). */
export type ArchiveReceivedVia = 'webhook' | 'poll' | 'callback';

/**
 * One archived request: one JSON object per line (JSON Lines), UTF-8, each line ending in `\n`.
 * The body is what was received, byte for byte: as a UTF-8 string when it is valid UTF-8 and its
 * JSON string is no longer than its base64 would be (`bodyEncoding: 'utf8'`), else base64 (a body
 * of control characters, escaped six bytes each, would otherwise outgrow Firehose's 1,000 KiB
 * record). A reader decodes either.
 */
export interface ArchiveRecord {
  /** {@link ARCHIVE_RECORD_VERSION}. */
  readonly v: number;
  /** The vendor's path id. */
  readonly vendor: string;
  /** The job id the request names; null when it names none the adapter could read (quarantined unreadable). */
  readonly jobId: string | null;
  /** When the pipeline received it, ISO 8601 in UTC with milliseconds (`2026-12-07T09:30:00.000Z`). */
  readonly receivedAt: string;
  readonly receivedVia: ArchiveReceivedVia;
  readonly verdict: ArchiveVerdict;
  /** Why, for `ignored` and `quarantined` (the same reason the answer or the quarantine gives); else absent. */
  readonly reason?: string;
  /** The event id it made (`enqueued`, `duplicate`, `stale`, `conflict`); null when it made none. */
  readonly eventId: string | null;
  /** The headers the quarantine keeps (lower-case names; never a secret: see core/webhook.ts keptHeaders). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly bodyEncoding: ArchiveBodyEncoding;
  /**
   * A status answer's follow-up answers, in the order they were asked for (the adapter asked for
   * more before it could say, such as a finished job's download URL), each with its HTTP status,
   * for the adapter's `then(status, body)`. Absent for a webhook and for an answer without
   * follow-ups.
   */
  readonly followUps?: readonly ArchivedAnswer[];
  /**
   * The vendor's signed timestamp (ms since epoch) checked on arrival, when its scheme signs one
   * (as the quarantine keeps it): adapters fall back to it for the event's `time`, so a replay
   * needs it to rebuild the same event. Absent when the scheme signs none.
   */
  readonly signedTimestampMs?: number;
}

export type ArchiveBodyEncoding = 'utf8' | 'base64';

/** A follow-up answer of a status query, its body encoded as `ArchiveRecord.body` is. */
export interface ArchivedAnswer {
  readonly status: number;
  readonly body: string;
  readonly bodyEncoding: ArchiveBodyEncoding;
}

/**
 * Where records live, on S3 and in a local directory alike: `<prefix>vendor=<id>/day=<YYYY-MM-DD>/`
 * (Hive-style partitions, so Athena and a replay of one vendor or one time range read only their
 * objects). The day is the UTC day of `receivedAt`. On S3 the objects are GZIP-compressed JSON Lines
 * (`.gz`); locally, plain JSON Lines files (`.jsonl`) or gzip (`.jsonl.gz`), both read by the replay.
 */
export function archivePartition(vendor: string, receivedAt: string): string {
  return `vendor=${vendor}/day=${receivedAt.slice(0, 10)}/`;
}

/** The partition keys' names, in order (the Glue table's partition columns). */
export const ARCHIVE_PARTITION_KEYS = ['vendor', 'day'] as const;
