/**
 * The archive in a local directory (`video-webhooks dev --archive-dir`), laid out as the S3 objects
 * are (lambda/contract/archive.ts): `<dir>/vendor=<id>/day=<YYYY-MM-DD>/<file>.jsonl`, one JSON
 * line per request, so that the replay reads the laptop's archive and the bucket's with one
 * reader. A process appends to files of its own (`dev-<start>-<pid>.jsonl`), one per partition.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { archivePartition, type ArchiveRecord } from '../../lambda/contract/archive';
import { archiveLine } from '../../lambda/core/archive';
import type { ArchiveWriteFailure, RequestArchive } from '../../lambda/core/ports';

export class DirectoryArchive implements RequestArchive {
  private readonly fileName: string;
  /** Appends to a file, in the order they were asked for (a line is never split by another). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    startedAtMs: number = Date.now(),
  ) {
    this.fileName = `dev-${new Date(startedAtMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}.jsonl`;
  }

  async write(records: readonly ArchiveRecord[]): Promise<readonly ArchiveWriteFailure[]> {
    const byFile = new Map<string, ArchiveRecord[]>();
    for (const record of records) {
      const file = join(this.dir, archivePartition(record.vendor, record.receivedAt), this.fileName);
      byFile.set(file, [...(byFile.get(file) ?? []), record]);
    }
    const failures: ArchiveWriteFailure[] = [];
    await Promise.all(
      [...byFile].map(async ([file, batch]) => {
        try {
          await this.append(file, batch.map(archiveLine).join(''));
        } catch {
          failures.push(...batch.map((record) => ({ record, reason: 'error' })));
        }
      }),
    );
    return failures;
  }

  private append(file: string, text: string): Promise<void> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      await mkdir(join(file, '..'), { recursive: true });
      await appendFile(file, text);
    });
    this.queues.set(file, next);
    return next;
  }
}
