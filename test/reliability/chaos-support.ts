/** Fault injection and vendor simulation for the chaos run (compressed time on a ManualClock). */
import { createHmac } from 'node:crypto';
import type { ClaimRequest, ClaimResult, DuePage, EventMessage, EventQueue, HintRequest, HintResult, JobRecord, JobStore } from '../../lambda/core/ports';

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
 * DynamoDB faults: a read that fails, a write (a claim or a put) that fails before it is applied,
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
  hint(request: HintRequest): Promise<HintResult> {
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

export type Vendor = 'sync' | 'lipdub' | 'viralsync' | 'synthesia';
export type Final = 'succeeded' | 'failed' | 'cancelled';

/** Retry delays after a non-2xx answer or a timeout, from ../shared/VENDORS.md. */
export const RETRY_DELAYS_MS: Record<Vendor, readonly number[]> = {
  sync: [], // no retries: a missed delivery is lost
  lipdub: [10_000, 60_000, 300_000], // 3 retries through their SQS FIFO (delays not documented)
  viralsync: [5_000, 30_000, 300_000, 1_800_000, 7_200_000],
  synthesia: [60_000, 300_000], // 2 retries within 10 minutes
};

export interface Delivery {
  readonly vendor: Vendor;
  readonly jobId: string;
  readonly kind: 'progress' | 'terminal';
  /** The payload, without authentication; signed at send time. */
  readonly body: string;
}

const hex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');

/** Headers the vendor sends for `body` at `nowMs` with `secret` (computed here, not by samples.ts). */
export function authHeaders(vendor: Vendor, body: string, secret: string, nowMs: number): Record<string, string> {
  const t = String(Math.floor(nowMs / 1000));
  switch (vendor) {
    case 'sync':
      return { 'sync-signature': `t=${t},v1=${hex(secret, `${t}.${body}`)}` };
    case 'lipdub':
      return { authorization: `Bearer ${secret}` };
    case 'viralsync':
      return { 'x-render-signature': hex(secret, body) };
    case 'synthesia':
      return { 'synthesia-timestamp': t, 'synthesia-signature': hex(secret, `${t}.${body}`) };
  }
}

/** The webhooks a vendor sends for one job ending in `final`. */
export function jobDeliveries(vendor: Vendor, jobId: string, final: Final, atIso: string): Delivery[] {
  const progress = (body: object): Delivery => ({ vendor, jobId, kind: 'progress', body: JSON.stringify(body) });
  const terminal = (body: object): Delivery => ({ vendor, jobId, kind: 'terminal', body: JSON.stringify(body) });
  switch (vendor) {
    case 'sync':
      return [terminal({ id: jobId, status: { succeeded: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELED' }[final], outputUrl: final === 'succeeded' ? `https://sync/${jobId}.mp4` : null, error: final === 'failed' ? 'pipeline failed' : null, error_code: final === 'failed' ? 'generation_pipeline_failed' : null })];
    case 'lipdub': {
      const data = { generate_id: Number(jobId), stage: 'training' };
      return [
        progress({ event_type: 'PREPROCESSING_COMPLETE', created_at: atIso, data: { ...data, stage: 'preprocessing' } }),
        progress({ event_type: 'TRAINING_COMPLETE', created_at: atIso, data }),
        progress({ event_type: 'VIDEO_VALIDATION_COMPLETE', created_at: atIso, data: { ...data, stage: 'validation' } }),
        terminal(final === 'succeeded' ? { event_type: 'VIDEO_RENDER_COMPLETE', created_at: atIso, data: { generate_id: Number(jobId), download_url: `https://lipdub/${jobId}.mp4` } } : { event_type: 'RENDER_PROCESSING_FAILED', created_at: atIso, data: { generate_id: Number(jobId), failure_reason: 'face not found' } }),
      ];
    }
    case 'viralsync':
      return [
        ...[0.2, 0.4, 0.6, 0.8].map((p) => progress({ jobId, status: 'running', phase: 'rendering', progress: p, timestamp: atIso })),
        terminal({ jobId, status: { succeeded: 'done', failed: 'failed', cancelled: 'cancelled' }[final], progress: 1, outputUrl: final === 'succeeded' ? `https://vs/${jobId}.mp4` : null, error: final === 'failed' ? 'SCENE_RENDER_FAILED: ffmpeg' : undefined, timestamp: atIso }),
      ];
    case 'synthesia':
      return [
        progress({ event: 'video.created', data: { id: jobId, status: 'in_progress' }, timestamp: atIso, webhook_id: 'wh' }),
        terminal(final === 'succeeded' ? { type: 'video.completed', data: { id: jobId, status: 'complete', download: `https://syn/${jobId}.mp4`, duration: 12 } } : { type: 'video.failed', data: { id: jobId, status: 'error', message: 'render failed' } }),
      ];
  }
}

/** What the vendor's status API answers for a finished job (body fields of the fake server). */
export function finalStatusBody(vendor: Vendor, jobId: string, final: Final): Record<string, unknown> {
  switch (vendor) {
    case 'sync':
      return { id: jobId, status: { succeeded: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELED' }[final], outputUrl: final === 'succeeded' ? `https://sync/${jobId}.mp4` : null };
    case 'lipdub':
      return { status: final === 'succeeded' ? 'finished' : 'failed', generate_id: Number(jobId), download_url: `https://lipdub/${jobId}.mp4` };
    case 'viralsync':
      return { jobId, status: { succeeded: 'done', failed: 'failed', cancelled: 'cancelled' }[final], progress: 1 };
    case 'synthesia':
      return { id: jobId, status: final === 'succeeded' ? 'complete' : 'error' };
  }
}

/** Which final statuses a vendor can report (LipDub and Synthesia have no cancel webhook). */
export function finalFor(vendor: Vendor, r: number): Final {
  if (r < 0.7) return 'succeeded';
  if (r < 0.9 || vendor === 'lipdub' || vendor === 'synthesia') return 'failed';
  return 'cancelled';
}
