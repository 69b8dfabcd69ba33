/**
 * The archive on Amazon Data Firehose (Direct PUT): one record per archived request, one JSON line
 * ending in `\n` (Firehose concatenates records as they are: "To disambiguate the data blobs at
 * the destination, a common solution is to use delimiters in the data, such as a newline",
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html). One record is a
 * PutRecord; more are PutRecordBatch calls of at most 500 records and 4 MB, whose failed entries
 * are sent once more (a batch "can result in ... partial failure", per entry `ErrorCode`:
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html).
 */
import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand, type FirehoseClientConfig } from '@aws-sdk/client-firehose';
import { FIREHOSE_BATCH_MAX_BYTES, FIREHOSE_BATCH_MAX_RECORDS, FIREHOSE_RECORD_MAX_BYTES } from '../../contract/aws-limits';
import type { ArchiveRecord } from '../../contract/archive';
import { archiveLine } from '../../core/archive';
import type { ArchiveWriteFailure, RequestArchive } from '../../core/ports';

export interface FirehoseArchiveOptions {
  /**
   * The longest a write may take, its retries included; then it is given up (and counted). It
   * bounds what the archive can add to a webhook's answer when Firehose is slow. @default 2000
   */
  readonly timeoutMs?: number;
}

export class FirehoseArchive implements RequestArchive {
  private readonly timeoutMs: number;

  constructor(
    private readonly client: FirehoseClient,
    private readonly streamName: string,
    options: FirehoseArchiveOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  async write(records: readonly ArchiveRecord[]): Promise<readonly ArchiveWriteFailure[]> {
    const failures: ArchiveWriteFailure[] = [];
    const lines: Array<{ record: ArchiveRecord; data: Buffer }> = [];
    for (const record of records) {
      const data = Buffer.from(archiveLine(record));
      if (data.length > FIREHOSE_RECORD_MAX_BYTES) failures.push({ record, reason: 'too_large' });
      else lines.push({ record, data });
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    if (lines.length === 1 && records.length === 1) {
      // Rejects on failure: the caller counts it under the error's reason.
      await this.client.send(new PutRecordCommand({ DeliveryStreamName: this.streamName, Record: { Data: lines[0].data } }), { abortSignal: signal });
      return failures;
    }
    const batches = await Promise.all(chunks(lines).map((chunk) => this.putBatch(chunk, signal)));
    return [...failures, ...batches.flat()];
  }

  /** One PutRecordBatch, and once more for its failed entries; what still failed, with why. */
  private async putBatch(chunk: ReadonlyArray<{ record: ArchiveRecord; data: Buffer }>, signal: AbortSignal, again = true): Promise<ArchiveWriteFailure[]> {
    let answer;
    try {
      answer = await this.client.send(new PutRecordBatchCommand({ DeliveryStreamName: this.streamName, Records: chunk.map((l) => ({ Data: l.data })) }), { abortSignal: signal });
    } catch (err) {
      return chunk.map(({ record }) => ({ record, reason: reasonOf((err as { name?: string }).name) }));
    }
    if (!answer.FailedPutCount) return [];
    const failed = chunk.map((line, i) => ({ line, code: answer.RequestResponses?.[i]?.ErrorCode })).filter((f) => f.code !== undefined);
    if (again && !signal.aborted) return this.putBatch(failed.map((f) => f.line), signal, false);
    return failed.map(({ line, code }) => ({ record: line.record, reason: reasonOf(code) }));
  }
}

/** A Firehose client for the handlers: few retries, so that the write's time limit is what bounds it. */
export function createFirehoseClient(config: FirehoseClientConfig = {}): FirehoseClient {
  return new FirehoseClient({ maxAttempts: 2, ...config });
}

/** Batches of at most FIREHOSE_BATCH_MAX_RECORDS records and FIREHOSE_BATCH_MAX_BYTES bytes. */
function chunks<T extends { data: Buffer }>(lines: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (current.length > 0 && (current.length >= FIREHOSE_BATCH_MAX_RECORDS || bytes + line.data.length > FIREHOSE_BATCH_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += line.data.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function reasonOf(code: string | undefined): string {
  if (code === 'ServiceUnavailableException' || code === 'ThrottlingException') return 'throttled';
  if (code === 'AbortError' || code === 'TimeoutError') return 'timeout';
  return 'error';
}
