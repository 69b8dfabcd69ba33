import { Semaphore, VendorRateLimiter } from '../../lambda/poller/rate-limiter';
import { ManualClock } from '../support/emulators';

describe('VendorRateLimiter', () => {
  it('spaces requests 60000 / requestsPerMinute ms apart with the default burst of 1', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { synthesia: { requestsPerMinute: 60 } });
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(await limiter.acquire('synthesia', Number.MAX_SAFE_INTEGER)).toBe(true);
      times.push(clock.now() - start);
    }
    expect(times).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('allows a burst, then the configured pace', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { sync: { requestsPerMinute: 600, burst: 3 } });
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire('sync', Number.MAX_SAFE_INTEGER);
      times.push(clock.now() - start);
    }
    expect(times).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('keeps vendors independent', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { a: { requestsPerMinute: 60 }, b: { requestsPerMinute: 60 } });
    await limiter.acquire('a', Infinity);
    const start = clock.now();
    await limiter.acquire('b', Infinity);
    expect(clock.now()).toBe(start);
  });

  it('answers false without waiting or taking a slot when the next slot is after the latest start', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { sync: { requestsPerMinute: 60 } });
    await limiter.acquire('sync', Infinity);
    const start = clock.now();
    expect(await limiter.acquire('sync', start + 999)).toBe(false);
    expect(clock.now()).toBe(start);
    expect(await limiter.acquire('sync', start + 1000)).toBe(true);
    expect(clock.now()).toBe(start + 1000);
  });

  it('pauses a vendor until the reset time and never shortens a pause', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { lipdub: { requestsPerMinute: 6000 } });
    const start = clock.now();
    limiter.pauseUntil('lipdub', start + 60_000);
    limiter.pauseUntil('lipdub', start + 5_000);
    expect(limiter.pausedUntil('lipdub')).toBe(start + 60_000);
    expect(await limiter.acquire('lipdub', start + 59_999)).toBe(false);
    expect(await limiter.acquire('lipdub', Infinity)).toBe(true);
    expect(clock.now()).toBe(start + 60_000);
  });

  it('wakes a sleeping acquirer into a pause that started while it slept', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { sync: { requestsPerMinute: 60 } });
    await limiter.acquire('sync', Infinity);
    const start = clock.now();
    const pending = limiter.acquire('sync', Infinity); // sleeps 1000 ms (the clock jumps)
    limiter.pauseUntil('sync', start + 30_000);
    expect(await pending).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(start + 30_000);
  });

  it('counts the next slot from the real send time when a request waited after acquiring', async () => {
    const clock = new ManualClock();
    const limiter = new VendorRateLimiter(clock, { sync: { requestsPerMinute: 60 } });
    await limiter.acquire('sync', Infinity);
    clock.advance(5000); // waited for a concurrency slot
    limiter.sent('sync', clock.now());
    const sentAt = clock.now();
    await limiter.acquire('sync', Infinity);
    expect(clock.now()).toBe(sentAt + 1000);
  });

  it('rejects a vendor without a configured rate and a non-positive rate, saying what to do', async () => {
    const limiter = new VendorRateLimiter(new ManualClock());
    await expect(limiter.acquire('nope', Infinity)).rejects.toThrow('no request rate configured for vendor nope');
    expect(() => limiter.configure('x', { requestsPerMinute: 0 })).toThrow('requestsPerMinute for vendor x must be a positive number, got 0');
  });
});

describe('Semaphore', () => {
  it('holds at most `limit` at once and serves waiters in order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    await sem.acquire();
    await sem.acquire();
    const waiters = [1, 2, 3].map((n) => sem.acquire().then(() => order.push(n)));
    expect(sem.inUse).toBe(2);
    sem.release();
    await waiters[0];
    sem.release();
    sem.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(sem.inUse).toBe(2);
  });

  it('rejects a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow('concurrency must be a positive integer, got 0');
  });
});
