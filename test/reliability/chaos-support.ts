/** Fault injection and the vendors' status APIs for the chaos run (compressed time on a ManualClock). */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ClaimRequest, ClaimResult, DuePage, EventMessage, EventQueue, HintRequest, HintResult, JobRecord, JobStore } from '../../lambda/core/ports';
import type { ApiState, ChaosVendor } from './chaos-vendors';

/** A small seeded PRNG (mulberry32) so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = 'ddb_get_error' | 'ddb_put_error' | 'ddb_put_timeout' | 'sqs_error' | 'sqs_timeout' | 'crash_after_claim';

export class FaultLog {
  readonly counts: Record<FaultKind, number> = { ddb_get_error: 0, ddb_put_error: 0, ddb_put_timeout: 0, sqs_error: 0, sqs_timeout: 0, crash_after_claim: 0 };
  enabled = true;
  constructor(
    readonly rate: number,
    readonly random: () => number,
  ) {}
  hit(): boolean {
    return this.enabled && this.random() < this.rate;
  }
  fail(kind: FaultKind): Error {
    this.counts[kind]++;
    const err = new Error(`injected ${kind}`);
    err.name = kind.endsWith('timeout') ? 'TimeoutError' : 'InjectedFault';
    return err;
  }
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

/**
 * DynamoDB faults: a read that fails, a write (a claim, a put or a hint) that fails before it is applied,
 * and a write that is applied but whose answer is lost (a timeout). The last is the nasty one.
 */
export class ChaosStore implements JobStore {
  constructor(
    private readonly inner: JobStore,
    private readonly faults: FaultLog,
  ) {}
  async get(vendor: string, jobId: string): Promise<JobRecord | undefined> {
    if (this.faults.hit()) throw this.faults.fail('ddb_get_error');
    return this.inner.get(vendor, jobId);
  }
  async claim(request: ClaimRequest): Promise<ClaimResult> {
    if (this.faults.hit()) {
      if (this.faults.random() < 0.5) throw this.faults.fail('ddb_put_error');
      await this.inner.claim(request);
      throw this.faults.fail('ddb_put_timeout');
    }
    return this.inner.claim(request);
  }
  async put(record: JobRecord, expectedVersion: number | null): Promise<boolean> {
    if (this.faults.hit()) {
      if (this.faults.random() < 0.5) throw this.faults.fail('ddb_put_error');
      await this.inner.put(record, expectedVersion);
      throw this.faults.fail('ddb_put_timeout');
    }
    return this.inner.put(record, expectedVersion);
  }
  listDue(vendor: string, dueAtMs: number, limit: number, cursor?: string): Promise<DuePage> {
    return this.inner.listDue(vendor, dueAtMs, limit, cursor);
  }
  async hint(request: HintRequest): Promise<HintResult> {
    if (this.faults.hit()) {
      if (this.faults.random() < 0.5) throw this.faults.fail('ddb_put_error');
      await this.inner.hint(request);
      throw this.faults.fail('ddb_put_timeout');
    }
    return this.inner.hint(request);
  }
}

/**
 * SQS faults: a send that fails, a send that succeeds but whose answer is lost, and a crash of
 * the attempt between the claim (already written) and the send.
 */
export class ChaosQueue implements EventQueue {
  constructor(
    private readonly inner: EventQueue,
    private readonly faults: FaultLog,
  ) {}
  async send(message: EventMessage): Promise<void> {
    if (this.faults.hit()) {
      const r = this.faults.random();
      if (r < 1 / 3) throw this.faults.fail('crash_after_claim');
      if (r < 2 / 3) throw this.faults.fail('sqs_error');
      await this.inner.send(message);
      throw this.faults.fail('sqs_timeout');
    }
    await this.inner.send(message);
  }
}


/** A vendor's status API on 127.0.0.1 that knows every job's final state, as `vendor.answer` says. */
export interface ChaosStatusApi {
  readonly baseUrl: string;
  /** Requests answered, by outcome. */
  readonly counts: { asked: number; unknown: number; running: number };
  close(): Promise<void>;
}

/**
 * A status API on 127.0.0.1 for `vendor`: `stateOf` says what it knows of a job now (running, its
 * end, or nothing: 404).
 */
export async function startChaosStatusApi(vendor: ChaosVendor, stateOf: (jobId: string) => ApiState | undefined): Promise<ChaosStatusApi> {
  const counts = { asked: 0, unknown: 0, running: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = vendor.route.exec(path);
    const jobId = match ? match.slice(1).map((p) => decodeURIComponent(p)).join(':') : '';
    const state = stateOf(jobId);
    counts.asked++;
    if (state === 'running') counts.running++;
    const reply = state === undefined ? (counts.unknown++, { status: 404, body: { error: 'no such job' } }) : vendor.answer(jobId, state, path);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
