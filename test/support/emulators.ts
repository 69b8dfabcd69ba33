/**
 * Test access to the emulators started by test/global-setup.mjs: a fresh table and fresh queues
 * per test, real ports (DynamoJobStore, SqsEventQueue) over the real wire protocol, and helpers
 * to inject faults and read the queue back.
 */
import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoJobStore } from '../../lambda/adapters/aws/dynamo-store';
import type { DeliveryConfig } from '../../lambda/core/delivery';
import type { VideoJobEvent } from '../../lambda/core/event';
import type { ClaimRequest, ClaimResult, Clock, EventMessage, EventQueue, HintRequest, HintResult, JobRecord, JobStore } from '../../lambda/core/ports';
import { SqsEventQueue, SqsQuarantineQueue } from '../../lambda/adapters/aws/sqs-queue';
import { endpoints } from '../../local/strict-aws/emulators';
import { createJobTable, createQueues, type LocalQueueOptions, type LocalQueues } from '../../local/strict-aws/resources';

export function testEmulators() {
  const dynamo = process.env.VW_TEST_DYNAMO_ENDPOINT;
  const sqs = process.env.VW_TEST_SQS_ENDPOINT;
  if (!dynamo || !sqs) throw new Error('emulators not started: run the tests through jest (test/global-setup.mjs)');
  return endpoints(dynamo, sqs);
}

export interface TestBackend extends LocalQueues {
  readonly tableName: string;
  readonly store: DynamoJobStore;
  readonly queue: SqsEventQueue;
  readonly quarantine: SqsQuarantineQueue;
  readonly sqs: SQSClient;
}

/** A new table and new queues on the emulators. */
export async function freshBackend(queueOptions: LocalQueueOptions = {}): Promise<TestBackend> {
  const emulators = testEmulators();
  const id = randomUUID().slice(0, 8);
  const tableName = `jobs-${id}`;
  const dynamo = emulators.dynamoClient();
  const sqs = emulators.sqsClient();
  await createJobTable(dynamo, tableName);
  const queues = await createQueues(sqs, `t-${id}`, queueOptions);
  return {
    ...queues,
    tableName,
    sqs,
    store: new DynamoJobStore(dynamo, tableName),
    queue: new SqsEventQueue(sqs, queues.queueUrl),
    quarantine: new SqsQuarantineQueue(sqs, queues.quarantineQueueUrl),
  };
}

/** Receives and deletes every message on a queue until it is empty. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Array<{ body: string; groupId: string | undefined; dedupId: string | undefined }>> {
  const out: Array<{ body: string; groupId: string | undefined; dedupId: string | undefined }> = [];
  for (let empty = 0; empty < 2; ) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    for (const m of messages) {
      out.push({ body: m.Body ?? '', groupId: m.Attributes?.MessageGroupId, dedupId: m.Attributes?.MessageDeduplicationId });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return out;
}

export async function drainEvents(sqs: SQSClient, queueUrl: string): Promise<VideoJobEvent[]> {
  return (await drainQueue(sqs, queueUrl)).map((m) => JSON.parse(m.body) as VideoJobEvent);
}

/**
 * A clock the test moves by hand; sleeping advances it. It starts at the real time: code under
 * test that also reads the system clock (a default, an emulator, a child process) then agrees with
 * it, whatever the date of the run. A test that needs a fixed instant passes it and keeps every
 * reader of time on this clock.
 */
export class ManualClock implements Clock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A store whose next calls fail as told: to prove every failure leaves retryable state. */
export class FaultyStore implements JobStore {
  failGets = 0;
  failClaims = 0;
  failPuts = 0;
  /** Claims made (failed ones included). */
  claims = 0;
  /** Fail the n-th put from now (1 = next), once. */
  failPutNumber: number | null = null;
  private puts = 0;
  constructor(private readonly inner: JobStore) {}
  /** Reads made. */
  reads = 0;
  /** Puts made (failed ones included). */
  get putCount(): number {
    return this.allPuts;
  }
  private allPuts = 0;
  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    this.reads++;
    if (this.failGets > 0) {
      this.failGets--;
      throw injected('GetItem');
    }
    return this.inner.get(vendor, jobId);
  }
  async claim(request: ClaimRequest): Promise<ClaimResult> {
    this.claims++;
    if (this.failClaims > 0) {
      this.failClaims--;
      throw injected('UpdateItem');
    }
    return this.inner.claim(request);
  }
  async put(record: JobRecord, expectedVersion: number | null): Promise<boolean> {
    this.puts++;
    this.allPuts++;
    if (this.failPuts > 0 || this.failPutNumber === this.puts) {
      if (this.failPuts > 0) this.failPuts--;
      this.failPutNumber = null;
      throw injected('PutItem');
    }
    return this.inner.put(record, expectedVersion);
  }
  listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string) {
    return this.inner.listDue(vendor, dueAtMs, limit, cursor);
  }
  hint(request: HintRequest): Promise<HintResult> {
    return this.inner.hint(request);
  }
  resetCount(): void {
    this.puts = 0;
  }
}

/** A queue that counts what reaches SQS and fails sends as told. */
export class FaultyQueue implements EventQueue {
  failSends = 0;
  sent = 0;
  constructor(private readonly inner: EventQueue) {}
  async send(message: EventMessage): Promise<void> {
    if (this.failSends > 0) {
      this.failSends--;
      throw injected('SendMessage');
    }
    this.sent++;
    await this.inner.send(message);
  }
}

export function injected(operation: string): Error {
  const err = new Error(`injected ${operation} failure`);
  err.name = 'InjectedFault';
  return err;
}

export const TEST_DELIVERY_CONFIG: DeliveryConfig = {
  dedupeWindowMs: 7 * 24 * 3600 * 1000,
  staleAfterMs: 600_000,
  giveUpAfterMs: 48 * 3600 * 1000,
  claimLeaseMs: 30_000,
  busyWaitMs: 1500,
};
