import { deliver } from '../../lambda/core/delivery';
import { EMPTY_MEDIA } from '../../lambda/core/event';
import { silentTelemetry, systemClock } from '../../lambda/core/ports';
import { MemoryJobStore } from '../../local/adapters/memory';
import { JobRegistry, registerJob, TABLE_NAME_ENV } from '../../lambda/runtime/register-job';
import { InvalidJobIdError } from '../../lambda/runtime';
import { drainEvents, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, testEmulators, type TestBackend } from '../support/emulators';

describe('registerJob on DynamoDB (dynalite)', () => {
  let backend: TestBackend;
  const client = () => testEmulators().dynamoClient();

  beforeEach(async () => {
    backend = await freshBackend();
  });
  afterEach(() => {
    delete process.env[TABLE_NAME_ENV];
  });

  it('creates a registered, pollable record once; registering again is harmless', async () => {
    const first = await registerJob({ vendor: 'sync', jobId: 'gen-1', tableName: backend.tableName, client: client() });
    const stored = await backend.store.get('sync', 'gen-1');
    const second = await registerJob({ vendor: 'sync', jobId: 'gen-1', tableName: backend.tableName, client: client() });
    expect(first).toEqual({ registered: true });
    expect(second).toEqual({ registered: false });
    expect(await backend.store.get('sync', 'gen-1')).toEqual(stored);
    expect(stored).toMatchObject({ status: 'registered', version: 0, lastEventId: null, pollAttempts: 0 });
    expect(stored!.nextPollAtMs! - stored!.createdAtMs).toBe(600_000);
    expect(stored!.expiresAtMs - stored!.createdAtMs).toBe((48 * 3600 + 7 * 24 * 3600) * 1000);
  });

  it('leaves a job that is already final untouched and off the poll index', async () => {
    // registerJob reads the system clock, so the delivery does too: one clock for both.
    const clock = systemClock;
    const deps = { store: backend.store, queue: backend.queue, clock, telemetry: silentTelemetry, config: TEST_DELIVERY_CONFIG };
    await deliver(
      {
        jobId: '77',
        status: 'succeeded',
        progress: null,
        stage: null,
        outputUrl: 'https://cdn.lipdub.ai/77.mp4',
        media: EMPTY_MEDIA,
        error: null,
        vendorEventType: 'VIDEO_RENDER_COMPLETE',
        vendorStatus: null,
        occurredAtMs: null,
        raw: {},
      },
      { vendor: 'lipdub', receivedVia: 'webhook', receivedAtMs: clock.now() },
      deps,
    );
    const final = await backend.store.get('lipdub', '77');
    expect(await registerJob({ vendor: 'lipdub', jobId: 77, tableName: backend.tableName, client: client() })).toEqual({ registered: false });
    expect(await backend.store.get('lipdub', '77')).toEqual(final);
    expect(final!.nextPollAtMs).toBeNull();
    expect(await drainEvents(backend.sqs, backend.queueUrl)).toHaveLength(1);
  });

  it('leaves a job whose webhook came first (not final) untouched', async () => {
    const registry = new JobRegistry(backend.store);
    await registry.register('viralsync', 'job_1');
    const r = (await backend.store.get('viralsync', 'job_1'))!;
    const moved = { ...r, version: 1, status: 'processing' as const, position: 2.3 };
    await backend.store.put(moved, 0);
    expect(await registry.register('viralsync', 'job_1')).toEqual({ registered: false });
    expect(await backend.store.get('viralsync', 'job_1')).toEqual(moved);
  });

  it('reads the table name from VIDEO_WEBHOOKS_TABLE_NAME and stores a numeric job id as a string', async () => {
    process.env[TABLE_NAME_ENV] = backend.tableName;
    expect(await registerJob({ vendor: 'lipdub', jobId: 12345, client: client() })).toEqual({ registered: true });
    expect(await backend.store.get('lipdub', '12345')).toMatchObject({ jobId: '12345', vendor: 'lipdub' });
  });

  it('takes the stale and give-up ages from the environment the construct sets, options first', async () => {
    process.env[TABLE_NAME_ENV] = backend.tableName;
    process.env.VW_STALE_AFTER_SECONDS = '120';
    process.env.VW_GIVE_UP_AFTER_SECONDS = '86400';
    process.env.VW_DEDUPE_WINDOW_SECONDS = '3600';
    try {
      await registerJob({ vendor: 'sync', jobId: 'env', client: client() });
      await registerJob({ vendor: 'sync', jobId: 'opt', staleAfterSeconds: 30, client: client() });
    } finally {
      delete process.env.VW_STALE_AFTER_SECONDS;
      delete process.env.VW_GIVE_UP_AFTER_SECONDS;
      delete process.env.VW_DEDUPE_WINDOW_SECONDS;
    }
    const env = (await backend.store.get('sync', 'env'))!;
    expect(env.nextPollAtMs! - env.createdAtMs).toBe(120_000);
    expect(env.expiresAtMs - env.createdAtMs).toBe((86400 + 3600) * 1000);
    const opt = (await backend.store.get('sync', 'opt'))!;
    expect(opt.nextPollAtMs! - opt.createdAtMs).toBe(30_000);
  });

  it('refuses a job id of 1,100 bytes with an InvalidJobIdError, as webhooks do, and stores nothing (it used to be polled, and its event poisoned the FIFO group until the DLQ)', async () => {
    const long = `gen-${'x'.repeat(1096)}`;
    const attempt = registerJob({ vendor: 'sync', jobId: long, tableName: backend.tableName, client: client() });
    await expect(attempt).rejects.toThrow(InvalidJobIdError);
    await expect(registerJob({ vendor: 'sync', jobId: long, tableName: backend.tableName, client: client() })).rejects.toThrow(
      /^cannot register job "gen-x{28}…" of vendor sync: job id is 1100 bytes \(at most 1024\)/,
    );
    expect(await backend.store.get('sync', long)).toBeUndefined();
    expect((await backend.store.listDue('sync', Date.now() + 3_600_000, 10)).items).toEqual([]);
  });

  it.each([
    ['a lone surrogate (no UTF-8 form)', 'gen-\ud800', /job id is not well-formed Unicode/],
    ['an empty id', '', /job id is empty/],
  ])('refuses %s with an InvalidJobIdError', async (_what, jobId, message) => {
    const attempt = () => registerJob({ vendor: 'sync', jobId, tableName: backend.tableName, client: client() });
    await expect(attempt()).rejects.toThrow(InvalidJobIdError);
    await expect(attempt()).rejects.toThrow(message);
  });

  it('registers a job id of exactly 1,024 bytes (512 two-byte characters)', async () => {
    const jobId = 'é'.repeat(512);
    expect(await registerJob({ vendor: 'sync', jobId, tableName: backend.tableName, client: client() })).toEqual({ registered: true });
    expect(await backend.store.get('sync', jobId)).toMatchObject({ jobId, status: 'registered' });
  });

  it('says how to give the table name when there is none, and rejects empty ids', async () => {
    await expect(registerJob({ vendor: 'sync', jobId: 'x', client: client() })).rejects.toThrow(
      'registerJob needs the jobs table name: pass tableName, or set VIDEO_WEBHOOKS_TABLE_NAME',
    );
    await expect(registerJob({ vendor: 'sync', jobId: '', tableName: backend.tableName, client: client() })).rejects.toThrow('job id is empty');
    await expect(registerJob({ vendor: '', jobId: 'x', tableName: backend.tableName, client: client() })).rejects.toThrow('vendor must be a non-empty string');
  });
});

describe('JobRegistry on any store', () => {
  it('uses the configured stale and give-up ages, and replaces only a record past its expiry', async () => {
    const store = new MemoryJobStore();
    const clock = new ManualClock();
    const registry = new JobRegistry(store, { staleAfterSeconds: 60, giveUpAfterSeconds: 3600, dedupeWindowSeconds: 600 }, clock);
    expect(await registry.register('acme', 'a')).toEqual({ registered: true });
    const r = (await store.get('acme', 'a'))!;
    expect(r.nextPollAtMs).toBe(clock.now() + 60_000);
    expect(r.expiresAtMs).toBe(clock.now() + 4200_000);

    clock.advance(4200_000 - 1);
    expect(await registry.register('acme', 'a')).toEqual({ registered: false });
    clock.advance(1); // expired: counts as absent, like in the delivery core
    expect(await registry.register('acme', 'a')).toEqual({ registered: true });
    expect((await store.get('acme', 'a'))!).toMatchObject({ version: r.version + 1, createdAtMs: clock.now() });
  });

  it('rejects negative settings', () => {
    expect(() => new JobRegistry(new MemoryJobStore(), { giveUpAfterSeconds: -1 })).toThrow('giveUpAfterSeconds must be a non-negative number of seconds, got -1');
  });
});
