/**
 * SQS Lambda events as the event source mapping builds them from the events queue: one record per
 * message, its FIFO group (`vendor#jobId`) in `attributes.MessageGroupId`, the body the
 * CloudEvent JSON. Events are made by the real `buildEvent`, so they validate like queued ones.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { buildEvent, EMPTY_MEDIA, type VideoJobEvent, type VideoJobStatus } from '../../lambda/core/event';

export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:video-webhooks-events.fifo';

/** One event of a job, as the pipeline queues it (`time` relative to `atMs`). */
export function jobEvent(jobId: string, status: VideoJobStatus, progress: number | null = null, atMs = Date.now()): VideoJobEvent {
  return buildEvent(
    {
      jobId,
      status,
      progress,
      stage: null,
      outputUrl: status === 'succeeded' ? `https://cdn.example.test/${jobId}.mp4` : null,
      media: status === 'succeeded' ? EMPTY_MEDIA : null,
      error: status === 'failed' ? { message: 'render failed', code: null } : null,
      vendorEventType: null,
      vendorStatus: status,
      occurredAtMs: atMs,
      raw: { jobId, status },
    },
    { vendor: 'acme', receivedVia: 'webhook', receivedAtMs: atMs },
  );
}

/** An SQS Lambda record for a body in a message group. */
export function sqsRecord(body: string, groupId: string, messageId: string = randomUUID()): SQSRecord {
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AROAEXAMPLE:verifier',
      ApproximateFirstReceiveTimestamp: now,
      SequenceNumber: '1',
      MessageGroupId: groupId,
      MessageDeduplicationId: messageId,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** The record of a queued event, in its job's group. */
export function eventRecord(event: VideoJobEvent, messageId?: string): SQSRecord {
  return sqsRecord(JSON.stringify(event), `${event.data.vendor}#${event.data.jobId}`, messageId);
}

/** A batch in the order SQS hands it over (sequence numbers follow it). */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records.map((r, i) => ({ ...r, attributes: { ...r.attributes, SequenceNumber: String(i + 1).padStart(20, '0') } })) };
}

/** The record Lambda's SQS event source builds from a received message. */
export function recordOf(m: Message): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? '',
      SenderId: a.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
      SequenceNumber: a.SequenceNumber,
      MessageGroupId: a.MessageGroupId,
      MessageDeduplicationId: a.MessageDeduplicationId,
    },
    messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: v.DataType ?? 'String' }])),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}
