/**
 * The archive replay's S3 source against a real S3 emulator (fauxqs's S3, the emulator the tests
 * already run for SQS): partitions listed under the prefix with ListObjectsV2 (paged, StartAfter),
 * gzip objects read with GetObject, and a replay over them the same as over a directory.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveSource } from '../../lambda/adapters/aws/s3-archive-source';
import { archiveLines } from '../../lambda/core/archive-records';
import type { ArchiveRecord } from '../../lambda/contract/archive';

function s3(): S3Client {
  const endpoint = process.env.VW_TEST_SQS_ENDPOINT;
  if (!endpoint) throw new Error('emulators not started: run the tests through jest (test/global-setup.mjs)');
  return new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, forcePathStyle: true, maxAttempts: 1 });
}

const record = (jobId: string, receivedAt: string): ArchiveRecord => ({
  v: 1, vendor: 'acme', jobId, receivedAt, receivedVia: 'webhook', verdict: 'enqueued', eventId: null, headers: {}, body: `{"id":"${jobId}"}`, bodyEncoding: 'utf8',
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('the archive on S3', () => {
  const client = s3();
  const bucket = `archive-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (key: string, records: ArchiveRecord[]) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n') }));
    await Promise.all(Array.from({ length: 12 }, (_, i) => put(`archive/vendor=acme/day=2026-12-01/stream-1-2026-12-01-09-${String(i).padStart(2, '0')}-00-x.gz`, [record(`job-${i}`, `2026-12-01T09:${String(i).padStart(2, '0')}:00.000Z`)])));
    await put('archive/vendor=acme/day=2026-12-02/stream-1-2026-12-02-00-00-00-x.gz', [record('job-next', '2026-12-02T00:00:01.000Z')]);
    await put('archive/vendor=other/day=2026-12-01/stream-1-2026-12-01-09-00-00-x.gz', [record('job-other', '2026-12-01T09:00:00.000Z')]);
    await put('elsewhere/vendor=acme/day=2026-12-01/x.gz', [record('job-elsewhere', '2026-12-01T09:00:00.000Z')]);
  });

  it('lists only the partition asked for, under the prefix, in key order, keys relative to the prefix, page after page', async () => {
    const source = new S3ArchiveSource(client, bucket, 'archive/', 5);
    const keys = await collect(source.keys('vendor=acme/day=2026-12-01/'));
    expect(keys).toHaveLength(12);
    expect(keys).toEqual([...keys].sort());
    expect(keys.every((k) => k.startsWith('vendor=acme/day=2026-12-01/'))).toBe(true);
    expect(await collect(source.keys('vendor=acme/day=2026-12-03/'))).toEqual([]);
  });

  it('lists after a key (a cursor\'s startAfter)', async () => {
    const source = new S3ArchiveSource(client, bucket, 'archive/', 1);
    const keys = await collect(source.keys('vendor=acme/day=2026-12-01/'));
    expect(await collect(source.keys('vendor=acme/day=2026-12-01/', keys[9]))).toEqual(keys.slice(10));
  });

  it('reads a gzip object into its records', async () => {
    const source = new S3ArchiveSource(client, bucket, 'archive/');
    const [key] = await collect(source.keys('vendor=acme/day=2026-12-02/'));
    const lines = await collect(archiveLines(await source.open(key)));
    expect(lines).toEqual([{ line: 1, record: record('job-next', '2026-12-02T00:00:01.000Z') }]);
  });
});
