/**
 * Reading the archive (contract/archive.ts): the port a replay reads objects through, the
 * partitions a time range needs, and the decoding of one object (plain or gzip JSON Lines) into
 * records, every line bounded before it is parsed. The same code reads S3 objects and the dev
 * server's directory.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ARCHIVE_RECORD_VERSION, archivePartition, type ArchiveBodyEncoding, type ArchiveRecord } from '../contract/archive';
import { isObject, safeJsonParse } from './json';

/** Where archived objects are read from: an S3 bucket and prefix, or a local directory. */
export interface ArchiveSource {
  /**
   * The object keys under one partition (`vendor=<id>/day=<YYYY-MM-DD>/`), in ascending UTF-8 byte
   * order (S3's listing order), only those after `startAfter` when it is given. A key is whatever
   * `open` takes back: the partition is part of it.
   */
  keys(partition: string, startAfter?: string): AsyncIterable<string>;
  /** The bytes of one object, as stored (gzip or not). */
  open(key: string): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * The longest record line read: Firehose takes records of at most 1,000 KiB (1,024,000 bytes)
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_Record.html), one record a line.
 */
export const MAX_RECORD_LINE_BYTES = 1_024_000;

/**
 * The most bytes one object may decompress to: Firehose buffers at most 128 MiB before it writes
 * an object (`SizeInMBs` 1 to 128: https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html),
 * read here with room to spare. A larger object (not one Firehose wrote) is read up to it.
 */
export const MAX_OBJECT_BYTES = 512 * 1024 * 1024;

const DAY_MS = 86_400_000;

/** The partitions of one vendor that hold records received in `[sinceMs, untilMs)`, oldest first. */
export function partitionsFor(vendor: string, sinceMs: number, untilMs: number): string[] {
  const out: string[] = [];
  for (let day = Math.floor(sinceMs / DAY_MS) * DAY_MS; day < untilMs; day += DAY_MS) out.push(archivePartition(vendor, new Date(day).toISOString()));
  return out;
}

/** One line of an object: the record, or why it cannot be one. `line` counts from 1. */
export type ArchiveLine = { readonly line: number; readonly record: ArchiveRecord } | { readonly line: number; readonly problem: string };

/**
 * The lines of one object, in order. Gzip is recognized by its magic bytes (a JSON line starts
 * with `{`), so `.gz` and `.jsonl.gz` objects and plain `.jsonl` files read alike. A line over
 * MAX_RECORD_LINE_BYTES is reported and skipped, never held whole; empty lines are skipped.
 */
export async function* archiveLines(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<ArchiveLine> {
  let line = 0;
  for await (const text of boundedLines(await decoded(bytes))) {
    line++;
    if (text === undefined) yield { line, problem: `line longer than ${MAX_RECORD_LINE_BYTES} bytes` };
    else if (text.length > 0) yield toLine(line, text);
  }
}

/** A record as the contract defines it, or what is wrong with it. */
export function parseArchiveRecord(text: string): ArchiveRecord | string {
  const r = safeJsonParse(text);
  if (!isObject(r)) return 'not a JSON object';
  if (r.v !== ARCHIVE_RECORD_VERSION) return `record version ${JSON.stringify(r.v)} is not ${ARCHIVE_RECORD_VERSION}: read it with the library version that wrote it`;
  const headers = r.headers;
  const problems = [
    typeof r.vendor !== 'string' && 'vendor',
    r.jobId !== null && typeof r.jobId !== 'string' && 'jobId',
    (typeof r.receivedAt !== 'string' || Number.isNaN(Date.parse(r.receivedAt))) && 'receivedAt',
    r.receivedVia !== 'webhook' && r.receivedVia !== 'poll' && r.receivedVia !== 'callback' && 'receivedVia',
    typeof r.verdict !== 'string' && 'verdict',
    r.eventId !== null && typeof r.eventId !== 'string' && 'eventId',
    !(isObject(headers) && Object.values(headers).every((h) => typeof h === 'string')) && 'headers',
    typeof r.body !== 'string' && 'body',
    r.bodyEncoding !== 'utf8' && r.bodyEncoding !== 'base64' && 'bodyEncoding',
    r.signedTimestampMs !== undefined && !Number.isFinite(r.signedTimestampMs) && 'signedTimestampMs',
    r.followUps !== undefined && !(Array.isArray(r.followUps) && r.followUps.every(isAnswer)) && 'followUps',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) return `record fields not as the contract says: ${problems.join(', ')}`;
  return r as unknown as ArchiveRecord;
}

/** The body's bytes, as they were received (a record's, or a follow-up answer's). */
export function recordBody(answer: { readonly body: string; readonly bodyEncoding: ArchiveBodyEncoding }): Buffer {
  return Buffer.from(answer.body, answer.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

function isAnswer(a: unknown): boolean {
  return isObject(a) && Number.isInteger(a.status) && typeof a.body === 'string' && (a.bodyEncoding === 'utf8' || a.bodyEncoding === 'base64');
}

function toLine(line: number, text: string): ArchiveLine {
  const parsed = parseArchiveRecord(text);
  return typeof parsed === 'string' ? { line, problem: parsed } : { line, record: parsed };
}

/** The object's bytes, gunzipped when they are gzip (magic 0x1f 0x8b), at most MAX_OBJECT_BYTES of them. */
async function decoded(bytes: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Buffer>> {
  const iterator = bytes[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return (async function* () {})();
  const head = Buffer.from(first.value);
  const all = (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
  })();
  const stream = head[0] === 0x1f && head[1] === 0x8b ? Readable.from(all).pipe(createGunzip()) : Readable.from(all);
  return capped(stream as AsyncIterable<Buffer>, MAX_OBJECT_BYTES);
}

async function* capped(chunks: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    const room = max - total;
    if (room <= 0) return;
    total += chunk.length;
    yield chunk.length > room ? chunk.subarray(0, room) : chunk;
  }
}

/**
 * Splits bytes into UTF-8 lines at `\n` (a `\r` before it dropped); undefined for a line longer
 * than MAX_RECORD_LINE_BYTES, whose bytes are dropped as they come.
 */
async function* boundedLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const take = (): string | undefined => {
    const text = tooLong ? undefined : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    tooLong = false;
    return text;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      add(chunk.subarray(start, nl));
      yield take();
      start = nl + 1;
    }
    add(chunk.subarray(start));
  }
  if (size > 0 || tooLong) yield take();

  function add(piece: Buffer): void {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > MAX_RECORD_LINE_BYTES) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  }
}
