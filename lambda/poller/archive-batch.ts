/**
 * A poll run's archive records (lambda/contract/archive.ts), written in batches as the run goes
 * (Firehose's PutRecordBatch takes 500 records or 4 MiB a call: the adapter splits a batch into
 * such calls) and all written, or counted as lost, before the run returns (`drain`).
 */
import { FIREHOSE_BATCH_MAX_BYTES, FIREHOSE_BATCH_MAX_RECORDS } from '../contract/aws-limits';
import { archiveLine, archiveQuietly, type ArchiveRecord } from '../core/archive';
import type { RequestArchive, Telemetry } from '../core/ports';

export class ArchiveBatch {
  private records: ArchiveRecord[] = [];
  private bytes = 0;
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly archive: RequestArchive | undefined,
    private readonly telemetry: Telemetry,
  ) {}

  /** Adds a record; a full batch starts its write at once. */
  add(record: ArchiveRecord): void {
    if (!this.archive) return;
    const size = Buffer.byteLength(archiveLine(record));
    if (this.records.length > 0 && (this.records.length >= FIREHOSE_BATCH_MAX_RECORDS || this.bytes + size > FIREHOSE_BATCH_MAX_BYTES)) this.send();
    this.records.push(record);
    this.bytes += size;
  }

  /** Writes what is left and waits for every write of the run. Never rejects. */
  async drain(): Promise<void> {
    this.send();
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  private send(): void {
    if (this.records.length === 0) return;
    const batch = this.records;
    this.records = [];
    this.bytes = 0;
    const write = archiveQuietly(this.archive, batch, this.telemetry).finally(() => this.writing.delete(write));
    this.writing.add(write);
  }
}
