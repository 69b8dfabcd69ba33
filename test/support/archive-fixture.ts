/**
 * Archive records for the replay's tests, written by the test the way the contract
 * (lambda/contract/archive.ts) says the pipeline writes them: one record per authenticated request,
 * from the answer the real webhook path gave, in `vendor=<id>/day=<YYYY-MM-DD>/` folders of JSON
 * Lines files, plain or gzip.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { archivePartition, type ArchiveRecord, type ArchiveVerdict } from '../../lambda/contract/archive';
import type { RawRequest } from '../../lambda/core/adapter';
import type { WebhookAnswer } from '../../lambda/core/webhook';

/** The record of one webhook as the pipeline archives it; undefined for what is not archived (rejected, failed, busy). */
export function recordOf(vendor: string, request: RawRequest, answer: WebhookAnswer, receivedAtMs: number, keptHeaders: readonly string[]): ArchiveRecord | undefined {
  const r = answer.result;
  let verdict: ArchiveVerdict;
  let eventId: string | null = null;
  let jobId: string | null = null;
  let reason: string | undefined;
  if (r.kind === 'delivered') {
    if (r.outcome === 'busy') return undefined;
    verdict = r.outcome;
    eventId = r.eventId;
    jobId = r.jobId;
  } else if (r.kind === 'ignored' || r.kind === 'quarantined') {
    verdict = r.kind;
    reason = r.reason;
  } else {
    return undefined;
  }
  const utf8 = request.body.toString('utf8');
  const isUtf8 = Buffer.from(utf8, 'utf8').equals(request.body);
  return {
    v: 1,
    vendor,
    jobId,
    receivedAt: new Date(receivedAtMs).toISOString(),
    receivedVia: 'webhook',
    verdict,
    ...(reason ? { reason } : {}),
    eventId,
    headers: Object.fromEntries(keptHeaders.filter((h) => request.headers[h] !== undefined).map((h) => [h, request.headers[h]])),
    body: isUtf8 ? utf8 : request.body.toString('base64'),
    bodyEncoding: isUtf8 ? 'utf8' : 'base64',
  };
}

export class ArchiveDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'vw-archive-'));
  private files = 0;

  /** Writes `records` as one file of their (first record's) partition; `gzip` for a `.jsonl.gz`. Returns its key. */
  write(records: readonly (ArchiveRecord | string)[], options: { readonly gzip?: boolean; readonly name?: string; readonly partition?: string } = {}): string {
    const first = records.find((r): r is ArchiveRecord => typeof r !== 'string');
    const partition = options.partition ?? archivePartition(first!.vendor, first!.receivedAt);
    const folder = join(this.dir, ...partition.split('/').filter(Boolean));
    mkdirSync(folder, { recursive: true });
    const name = options.name ?? `part-${String(++this.files).padStart(4, '0')}.jsonl${options.gzip ? '.gz' : ''}`;
    const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
    writeFileSync(join(folder, name), options.gzip ? gzipSync(text) : text);
    return `${partition}${name}`;
  }

  /** Writes each record into its own partition's file (one file per partition), in the order given. */
  writeAll(records: readonly ArchiveRecord[], options: { readonly gzip?: boolean } = {}): void {
    const byPartition = new Map<string, ArchiveRecord[]>();
    for (const r of records) {
      const p = archivePartition(r.vendor, r.receivedAt);
      byPartition.set(p, [...(byPartition.get(p) ?? []), r]);
    }
    for (const [partition, list] of byPartition) this.write(list, { ...options, partition });
  }
}
