/**
 * The archive in a local directory (`video-webhooks dev --archive-dir`), laid out as on S3
 * (contract/archive.ts): `<dir>/vendor=<id>/day=<YYYY-MM-DD>/<file>.jsonl` or `.jsonl.gz`. Keys
 * are the paths under `dir`, `/`-separated, so a cursor reads the same on every OS.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveSource } from '../../lambda/core/archive-records';

/** The file names the replay reads: what the dev server writes (a file being written is named otherwise). */
const RECORD_FILE = /\.jsonl(\.gz)?$/;

export class DirectoryArchiveSource implements ArchiveSource {
  constructor(private readonly dir: string) {}

  async *keys(partition: string, startAfter?: string): AsyncIterable<string> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, ...partition.split('/')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing archived that day
      throw err;
    }
    // Byte order of the names, as S3 lists keys (the names are ASCII: code-unit order is the same).
    const keys = names.filter((n) => RECORD_FILE.test(n)).map((n) => `${partition}${n}`).sort();
    for (const key of keys) if (startAfter === undefined || key > startAfter) yield key;
  }

  async open(key: string): Promise<AsyncIterable<Uint8Array>> {
    return createReadStream(join(this.dir, ...key.split('/')));
  }
}
