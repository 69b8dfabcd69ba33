/**
 * The poller's two brakes: a per-vendor request rate (a token bucket, written as GCRA so it needs
 * no timer) and a global bound on requests in flight. Both run on the `Clock` port, so tests can
 * drive them; the vendor rate also honours a pause after a 429 until the vendor's reset time.
 */
import type { Clock } from '../core/ports';

export interface VendorRate {
  /** Requests per minute, at most; must be > 0. */
  readonly requestsPerMinute: number;
  /**
   * Requests allowed back to back before the spacing applies.
   * @default 1 - requests are evenly spaced, 60000 / requestsPerMinute ms apart
   */
  readonly burst?: number;
}

/**
 * Per-vendor token buckets. Over any window of `w` ms a vendor gets at most
 * `burst + w * requestsPerMinute / 60000` requests, counting from when they are sent.
 * Create one per container: the state (and a 429 pause) then carries over warm invocations.
 */
export class VendorRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    rates: Readonly<Record<string, VendorRate>> = {},
  ) {
    for (const [vendor, rate] of Object.entries(rates)) this.configure(vendor, rate);
  }

  /** Sets (or changes) a vendor's rate; its pause and history are kept. */
  configure(vendor: string, rate: VendorRate): void {
    if (!(rate.requestsPerMinute > 0) || !Number.isFinite(rate.requestsPerMinute)) {
      throw new Error(`requestsPerMinute for vendor ${vendor} must be a positive number, got ${rate.requestsPerMinute}`);
    }
    const burst = Math.max(1, Math.floor(rate.burst ?? 1));
    const intervalMs = 60_000 / rate.requestsPerMinute;
    const existing = this.buckets.get(vendor);
    this.buckets.set(vendor, {
      intervalMs,
      toleranceMs: (burst - 1) * intervalMs,
      theoreticalArrivalMs: existing?.theoreticalArrivalMs ?? 0,
      pausedUntilMs: existing?.pausedUntilMs ?? 0,
    });
  }

  /**
   * Waits for the vendor's next request slot and takes it. Resolves false, without waiting or
   * taking anything, when that slot would come after `latestStartMs` (or the vendor is paused
   * past it). Call `sent()` when the request actually leaves, if that is later.
   */
  async acquire(vendor: string, latestStartMs: number): Promise<boolean> {
    const bucket = this.bucket(vendor);
    for (;;) {
      const now = this.clock.now();
      const at = Math.max(now, bucket.theoreticalArrivalMs - bucket.toleranceMs, bucket.pausedUntilMs);
      if (at > latestStartMs) return false;
      if (at <= now) {
        bucket.theoreticalArrivalMs = Math.max(bucket.theoreticalArrivalMs, now) + bucket.intervalMs;
        return true;
      }
      // Sleep, then look again: a 429 may have paused the vendor meanwhile.
      await this.clock.sleep(at - now);
    }
  }

  /**
   * Records that a request acquired earlier left only at `atMs` (it waited for a concurrency
   * slot): the next slot is then counted from the real send time, so sends stay spaced.
   */
  sent(vendor: string, atMs: number): void {
    const bucket = this.bucket(vendor);
    bucket.theoreticalArrivalMs = Math.max(bucket.theoreticalArrivalMs, atMs + bucket.intervalMs);
  }

  /** Stops all requests to the vendor until `untilMs` (a 429's reset time). Never shortens a pause. */
  pauseUntil(vendor: string, untilMs: number): void {
    const bucket = this.bucket(vendor);
    bucket.pausedUntilMs = Math.max(bucket.pausedUntilMs, untilMs);
  }

  /** When the vendor's current pause ends (0 or a past time when not paused). */
  pausedUntil(vendor: string): number {
    return this.bucket(vendor).pausedUntilMs;
  }

  private bucket(vendor: string): Bucket {
    const bucket = this.buckets.get(vendor);
    if (!bucket) throw new Error(`no request rate configured for vendor ${vendor}: call configure() first`);
    return bucket;
  }
}

interface Bucket {
  readonly intervalMs: number;
  readonly toleranceMs: number;
  theoreticalArrivalMs: number;
  pausedUntilMs: number;
}

/** A counting semaphore: at most `limit` holders at once, FIFO. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  get inUse(): number {
    return this.active;
  }
}
