/**
 * The archive's Firehose port (lambda/adapters/aws/firehose-archive.ts) through the real AWS SDK
 * client. Firehose has no emulator: the other end is a small HTTP server on 127.0.0.1 that speaks
 * only the request and answer shapes of Firehose's JSON 1.1 wire protocol for PutRecord and
 * PutRecordBatch, as the API reference gives them
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html,
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html): a POST to `/`
 * with `X-Amz-Target: Firehose_20150804.<Operation>` and `Content-Type: application/x-amz-json-1.1`,
 * records' `Data` in base64; answers `{"RecordId","Encrypted"}`, `{"FailedPutCount","Encrypted",
 * "RequestResponses":[{"RecordId"}|{"ErrorCode","ErrorMessage"}]}`, or an error `{"__type","message"}`
 * (ServiceUnavailableException with 503). It is a stand-in for those shapes, not Firehose.
 */
import { createFirehoseClient, FirehoseArchive } from '../../lambda/adapters/aws/firehose-archive';
import { ARCHIVE_RECORD_VERSION, type ArchiveRecord } from '../../lambda/contract/archive';
import { archiveQuietly } from '../../lambda/core/archive';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { FirehoseWireStandIn } from '../support/firehose-wire-stand-in';

function record(i: number, body = `{"id":"job-${i}","status":"COMPLETED"}`): ArchiveRecord {
  return {
    v: ARCHIVE_RECORD_VERSION,
    vendor: 'sync',
    jobId: `job-${i}`,
    receivedAt: '2026-12-07T09:30:00.000Z',
    receivedVia: 'webhook',
    verdict: 'enqueued',
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    headers: { 'sync-signature': 't=1,v1=ab' },
    body,
    bodyEncoding: 'utf8',
  };
}

describe('FirehoseArchive against a local stand-in for Firehose\'s JSON 1.1 wire shapes (PutRecord, PutRecordBatch)', () => {
  const standIn = new FirehoseWireStandIn();
  let archive: FirehoseArchive;
  const client = () => createFirehoseClient({ endpoint: standIn.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local' } });

  beforeAll(() => standIn.start());
  afterAll(() => standIn.stop());
  beforeEach(() => {
    standIn.calls.length = 0;
    standIn.answer = () => undefined;
    archive = new FirehoseArchive(client(), 'vw-archive', { timeoutMs: 1500 });
  });

  it('writes one record as one PutRecord whose Data is the record\'s JSON line, ending in \\n', async () => {
    expect(await archive.write([record(1)])).toEqual([]);
    expect(standIn.calls).toHaveLength(1);
    const [call] = standIn.calls;
    expect(call).toMatchObject({ target: 'Firehose_20150804.PutRecord', contentType: 'application/x-amz-json-1.1', stream: 'vw-archive' });
    expect(call.records).toEqual([`${JSON.stringify(record(1))}\n`]);
    expect(JSON.parse(call.records[0])).toEqual(record(1));
  });

  it('writes 1,200 records as PutRecordBatch calls of at most 500 records and 4 MiB each', async () => {
    const big = 'x'.repeat(20_000); // 1,200 x 20 KB = 24 MB: the byte limit cuts the batches before the count does
    const records = Array.from({ length: 1200 }, (_, i) => record(i, i < 600 ? big : undefined));
    expect(await archive.write(records)).toEqual([]);
    expect(standIn.calls.every((c) => c.target === 'Firehose_20150804.PutRecordBatch')).toBe(true);
    expect(Math.max(...standIn.calls.map((c) => c.records.length))).toBeLessThanOrEqual(500);
    expect(Math.max(...standIn.calls.map((c) => c.bytes))).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(standIn.calls.flatMap((c) => c.records).sort()).toEqual(records.map((r) => `${JSON.stringify(r)}\n`).sort());
  });

  it('sends a batch\'s failed entries once more and reports those that failed twice, by ErrorCode', async () => {
    standIn.answer = (call) => {
      const failed = call.records.map((line) => (JSON.parse(line) as ArchiveRecord).jobId === 'job-2' || ((JSON.parse(line) as ArchiveRecord).jobId === 'job-1' && standIn.calls.length === 1));
      return {
        status: 200,
        body: {
          FailedPutCount: failed.filter(Boolean).length,
          Encrypted: false,
          RequestResponses: failed.map((f, i) => (f ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: `r${i}` })),
        },
      };
    };
    const failures = await archive.write([record(0), record(1), record(2)]);
    expect(standIn.calls.map((c) => c.records.length)).toEqual([3, 2]);
    expect(failures.map((f) => [f.record.jobId, f.reason])).toEqual([['job-2', 'throttled']]);
  });

  it('sends no record over Firehose\'s 1,000 KiB and reports it too_large', async () => {
    const failures = await archive.write([record(1, 'y'.repeat(1_030_000)), record(2)]);
    expect(failures.map((f) => [f.record.jobId, f.reason])).toEqual([['job-1', 'too_large']]);
    expect(standIn.calls.flatMap((c) => c.records).map((line) => (JSON.parse(line) as ArchiveRecord).jobId)).toEqual(['job-2']);
  });

  it('counts a PutRecord the service refuses (retried once by the SDK) as ArchiveFailed throttled, never throwing', async () => {
    standIn.answer = () => ({ status: 503, body: { __type: 'ServiceUnavailableException', message: 'Slow down.' } });
    const telemetry = new CountingTelemetry();
    await archiveQuietly(archive, [record(1)], telemetry);
    expect(standIn.calls).toHaveLength(2);
    expect(telemetry.get('ArchiveFailed:throttled')).toBe(1);
  });

  it('counts a missing stream as ArchiveFailed error', async () => {
    standIn.answer = () => ({ status: 400, body: { __type: 'ResourceNotFoundException', message: 'Firehose vw-archive under account 123456789012 not found.' } });
    const telemetry = new CountingTelemetry();
    await archiveQuietly(archive, [record(1)], telemetry);
    expect(telemetry.get('ArchiveFailed:error')).toBe(1);
  });

  it('gives a write up at its time limit, so a stalled Firehose adds at most that to an answer', async () => {
    standIn.answer = () => 'hang';
    const telemetry = new CountingTelemetry();
    const slow = new FirehoseArchive(client(), 'vw-archive', { timeoutMs: 300 });
    const t0 = Date.now();
    await archiveQuietly(slow, [record(1)], telemetry);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(telemetry.get('ArchiveFailed:timeout')).toBe(1);
  });
});
