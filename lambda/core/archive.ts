/**
 * The archive's records (lambda/contract/archive.ts) as the core makes them, and the one way it
 * writes them: alongside the request's own last call, awaited before the answer, never failing it.
 *
 * Why the write is awaited and not left running: Lambda freezes the environment once a handler
 * returns, so a write still in flight then is suspended, and lost or sent late, with no error
 * anyone sees (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). It
 * runs beside the call that has to be made anyway (the delivered mark of a new event, the
 * quarantine's send), so a new event still costs three sequential round trips; only a request
 * whose verdict is known at its end (a duplicate's failed claim, an ignored event type) waits for
 * the write after it.
 */
import { isUtf8 } from 'node:buffer';
import { ARCHIVE_RECORD_VERSION, type ArchiveBodyEncoding, type ArchivedAnswer, type ArchiveReceivedVia, type ArchiveRecord, type ArchiveVerdict } from '../contract/archive';
import { HANDLER_METRICS } from '../contract/metrics';
import { describeError } from './errors';
import type { RequestArchive, Telemetry } from './ports';

export type { ArchiveRecord, ArchiveVerdict };

/** What a record says beyond the request itself. */
export interface ArchiveVerdictFields {
  readonly verdict: ArchiveVerdict;
  readonly eventId: string | null;
  readonly jobId: string | null;
  /** For `ignored` and `quarantined`. */
  readonly reason?: string;
}

/** One answer of a status API, as it was read: its HTTP status and its bytes. */
export interface ReadAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** The record of a request, its body as the contract encodes it. */
export function archiveRecord(
  request: {
    readonly vendor: string;
    readonly receivedAtMs: number;
    readonly receivedVia: ArchiveReceivedVia;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: Buffer;
    /** The vendor's signed timestamp checked on arrival (the adapters' fallback for the event's time), if it has one. */
    readonly signedTimestampMs?: number | null;
  },
  verdict: ArchiveVerdictFields,
  followUps: readonly ReadAnswer[] = [],
): ArchiveRecord {
  return {
    v: ARCHIVE_RECORD_VERSION,
    vendor: request.vendor,
    jobId: verdict.jobId,
    receivedAt: new Date(request.receivedAtMs).toISOString(),
    receivedVia: request.receivedVia,
    verdict: verdict.verdict,
    ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}),
    eventId: verdict.eventId,
    headers: request.headers,
    ...encodedBody(request.body),
    ...(followUps.length > 0 ? { followUps: followUps.map((a): ArchivedAnswer => ({ status: a.status, ...encodedBody(a.body) })) } : {}),
    ...(typeof request.signedTimestampMs === 'number' ? { signedTimestampMs: request.signedTimestampMs } : {}),
  };
}

/** A record as one line of the archive: JSON and `\n`. */
export function archiveLine(record: ArchiveRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * The body as the contract keeps it: a UTF-8 string when the bytes are valid UTF-8 and their JSON
 * string is no longer than base64 (JSON escapes a control character in six bytes), else base64.
 */
export function encodedBody(body: Buffer): { readonly body: string; readonly bodyEncoding: ArchiveBodyEncoding } {
  const base64Length = Math.ceil(body.length / 3) * 4;
  if (isUtf8(body)) {
    const text = body.toString('utf8');
    if (JSON.stringify(text).length - 2 <= base64Length) return { body: text, bodyEncoding: 'utf8' };
  }
  return { body: body.toString('base64'), bodyEncoding: 'base64' };
}

/** The bytes of a body the contract encoded. */
export function decodedBody(answer: { readonly body: string; readonly bodyEncoding: ArchiveBodyEncoding }): Buffer {
  return Buffer.from(answer.body, answer.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/**
 * Writes `records` and resolves when the write is over, whatever came of it: what could not be
 * archived is counted (`ArchiveFailed`, per vendor and `Reason`) and logged, never thrown.
 * Resolves at once when there is no archive.
 */
export async function archiveQuietly(archive: RequestArchive | undefined, records: readonly ArchiveRecord[], telemetry: Telemetry): Promise<void> {
  if (!archive || records.length === 0) return;
  let failures: ReadonlyArray<{ readonly record: ArchiveRecord; readonly reason: string }>;
  let error: string | undefined;
  try {
    failures = await archive.write(records);
  } catch (err) {
    error = describeError(err);
    failures = records.map((record) => ({ record, reason: reasonOf(err) }));
  }
  if (failures.length === 0) return;
  const counted = new Map<string, number>();
  for (const { record, reason } of failures) {
    const key = JSON.stringify([record.vendor, reason]);
    counted.set(key, (counted.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counted) {
    const [vendor, reason] = JSON.parse(key) as [string, string];
    telemetry.count(HANDLER_METRICS.ARCHIVE_FAILED, vendor, n, { Reason: reason });
  }
  const first = failures[0].record;
  telemetry.log('warn', 'requests not archived; they went their normal way', {
    vendor: first.vendor,
    jobId: first.jobId,
    eventId: first.eventId,
    notArchived: failures.length,
    reasons: [...new Set(failures.map((f) => f.reason))].join(','),
    ...(error !== undefined ? { error } : {}),
  });
}

/**
 * Runs `main` with `side` (already started) alongside it: resolves or rejects as `main` does, but
 * only once `side` is over too, so that nothing is left running when the caller answers.
 */
export async function alongside<T>(side: Promise<void>, main: () => Promise<T>): Promise<T> {
  try {
    return await main();
  } finally {
    await side;
  }
}

function reasonOf(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  if (name === 'ServiceUnavailableException' || name === 'ThrottlingException') return 'throttled';
  return 'error';
}
