/**
 * The archive replay over a directory of records (the dev server's layout, read by the same code
 * as S3 objects) into the real emulators (dynalite, fauxqs): the records are those of requests
 * sent through the real webhook path (and one status answer through the real delivery core),
 * written as the archive contract says.
 */
import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveRecord } from '../../lambda/contract/archive';
import type { VendorAdapter } from '../../lambda/core/adapter';
import type { ArchiveSource } from '../../lambda/core/archive-records';
import { replayArchive, type ArchiveReplayDeps, type ArchiveReplayRequest, type ArchiveReplaySummary } from '../../lambda/core/archive-replay';
import { deliver } from '../../lambda/core/delivery';
import { eventIdFor } from '../../lambda/core/event';
import type { VideoJobEvent } from '../../lambda/core/event';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { customAdapter } from '../../lambda/vendors/custom';
import { createAdapter } from '../../lambda/vendors/registry';
import { DirectoryArchiveSource } from '../../local/adapters/archive-directory-source';
import { MemoryRequestArchive } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { ArchiveDir, recordOf } from '../support/archive-fixture';
import { drainEvents, FaultyQueue, freshBackend, ManualClock, TEST_DELIVERY_CONFIG, type TestBackend } from '../support/emulators';

const SECRET = 'acme-signing-secret';
const silent = { log: () => undefined, count: () => undefined };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const acme = (statusMap: Record<string, 'queued' | 'processing' | 'succeeded' | 'failed'>): VendorAdapter =>
  customAdapter({ auth: { type: 'hmac', signatureHeader: 'x-acme-signature' }, paths: { jobId: 'id', status: 'state', progress: 'progress', outputUrl: 'url' }, statusMap, statusUrlTemplate: 'https://api.acme.test/jobs/{jobId}' }, 'acme');
const ACME = acme({ queued: 'queued', running: 'processing', done: 'succeeded', failed: 'failed' });

describe('archive replay', () => {
  let clock: ManualClock;
  let original: TestBackend;
  let records: ArchiveRecord[];
  let archive: ArchiveDir;

  beforeEach(async () => {
    // Noon UTC of today: a test's hours stay inside one day's partition.
    clock = new ManualClock(Math.floor(Date.now() / DAY) * DAY + 12 * HOUR - 3 * HOUR);
    original = await freshBackend();
    records = [];
    archive = new ArchiveDir();
  });

  const webhookDeps = (backend: TestBackend): WebhookDeps => ({
    adapters: new Map([['acme', ACME]]),
    secrets: new StaticSecretSource({ acme: [SECRET] }),
    secretIdFor: (v) => v,
    store: backend.store,
    queue: backend.queue,
    quarantine: backend.quarantine,
    clock,
    telemetry: silent,
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: 262_144,
  });

  /** One webhook through the real path, a second after the last; its record archived. */
  async function send(body: Record<string, unknown>): Promise<ArchiveRecord | undefined> {
    clock.advance(1_000);
    const text = JSON.stringify(body);
    const request = { headers: { 'x-acme-signature': createHmac('sha256', SECRET).update(text).digest('hex') }, body: Buffer.from(text) };
    const answer = await handleWebhook('acme', request, webhookDeps(original));
    const record = recordOf('acme', request, answer, clock.now(), ACME.authHeaders);
    if (record) records.push(record);
    return record;
  }

  /** A status answer through the real delivery core, as the poller delivers it, archived. */
  async function poll(jobId: string, answer: Record<string, unknown>): Promise<void> {
    clock.advance(1_000);
    const parsed = ACME.statusApi!.parse(jobId, answer, { baseUrl: 'https://api.acme.test', apiKey: undefined });
    if (parsed.kind !== 'status') throw new Error(`status answer not understood: ${parsed.kind}`);
    const { outcome, event } = await deliver(parsed.fields, { vendor: 'acme', receivedVia: 'poll', receivedAtMs: clock.now() }, { ...webhookDeps(original) });
    records.push({ v: 1, vendor: 'acme', jobId, receivedAt: new Date(clock.now()).toISOString(), receivedVia: 'poll', verdict: outcome as ArchiveRecord['verdict'], eventId: event.id, headers: {}, body: JSON.stringify(answer), bodyEncoding: 'utf8' });
  }

  /** Job A to its end (with a vendor retry and a conflicting terminal status), job B's progress (one late), a quarantined request, job C by poll. */
  async function sendMix(): Promise<void> {
    await send({ id: 'job-a', state: 'queued' });
    await send({ id: 'job-b', state: 'running', progress: 0.3 });
    await send({ id: 'job-a', state: 'running', progress: 0.5 });
    await send({ id: 'job-b', state: 'running', progress: 0.2 }); // stale
    await send({ id: 'job-a', state: 'done', url: 'https://cdn.acme.test/a.mp4' });
    await send({ id: 'job-a', state: 'done', url: 'https://cdn.acme.test/a.mp4' }); // the vendor's retry: duplicate
    await send({ id: 'job-a', state: 'failed' }); // after the terminal event: conflict
    await send({ id: 'job-q', state: 'exploded' }); // quarantined
    await poll('job-c', { id: 'job-c', state: 'done', url: 'https://cdn.acme.test/c.mp4' });
  }

  const replayDeps = (backend: TestBackend, overrides: Partial<ArchiveReplayDeps> = {}): ArchiveReplayDeps => ({
    store: backend.store,
    queue: backend.queue,
    clock,
    telemetry: silent,
    config: TEST_DELIVERY_CONFIG,
    archive: new DirectoryArchiveSource(archive.dir),
    adapterFor: (vendor) => (vendor === 'acme' ? ACME : undefined),
    ...overrides,
  });
  const lastHours = (hours: number, extra: Partial<ArchiveReplayRequest> = {}): ArchiveReplayRequest => ({ vendor: 'acme', sinceMs: clock.now() - hours * HOUR, untilMs: clock.now() + 1, ...extra });
  const byId = (events: VideoJobEvent[]) => [...events].sort((a, b) => a.id.localeCompare(b.id));
  const totals = (s: ArchiveReplaySummary) => ({ read: s.read, enqueued: s.enqueued, duplicate: s.duplicate, stale: s.stale, conflict: s.conflict, skipped: s.skipped });

  it('replays a mix into a fresh store and queue: every original event exactly once, the same JSON; again: none', async () => {
    await sendMix();
    archive.writeAll(records, { gzip: true });
    const originals = await drainEvents(original.sqs, original.queueUrl);
    expect(originals).toHaveLength(5); // a queued, a 0.5, a succeeded, b 0.3, c succeeded

    const fresh = await freshBackend();
    clock.advance(HOUR);
    const first = await replayArchive(replayDeps(fresh), lastHours(2));
    expect(first).toMatchObject({ read: 9, enqueued: 5, duplicate: 0, stoppedBecause: 'done', cursor: null, notReadBefore: null, dryRun: false });
    expect(first.skipped).toEqual({ olderThanDedupeWindow: 0, madeNoEvent: 3, quarantined: 1, changed: 0, needsFollowUp: 0, unreadable: 0 });
    // Field for field the events of then: same ids, same receivedAt, receivedVia, time and raw.
    expect(byId(await drainEvents(fresh.sqs, fresh.queueUrl))).toEqual(byId(originals));

    const again = await replayArchive(replayDeps(fresh), lastHours(2));
    // Already delivered (job A's earlier events are behind its terminal one: stale): nothing sent.
    expect(again).toMatchObject({ read: 9, enqueued: 0, duplicate: 3, stale: 2, stoppedBecause: 'done' });
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual([]);
  });

  it('adds nothing when the original events were delivered (replayed into the same store): all duplicates', async () => {
    await sendMix();
    archive.writeAll(records);
    await drainEvents(original.sqs, original.queueUrl);
    clock.advance(6 * 24 * HOUR); // inside the 7-day window: the job records still remember
    const summary = await replayArchive(replayDeps(original), lastHours(7 * 24 - 1));
    expect(totals(summary)).toMatchObject({ read: 9, enqueued: 0, duplicate: 3, stale: 2 });
    expect(await drainEvents(original.sqs, original.queueUrl)).toEqual([]);
  });

  it('replays in received order per job, whatever the order of the objects and lines', async () => {
    await send({ id: 'job-a', state: 'queued' });
    await send({ id: 'job-a', state: 'running', progress: 0.5 });
    await send({ id: 'job-a', state: 'done' });
    // The terminal record first, in the first object; the earlier ones behind it, reversed.
    archive.write([records[2]], { name: 'a.jsonl' });
    archive.write([records[1], records[0]], { name: 'b.jsonl.gz', gzip: true });
    const originals = await drainEvents(original.sqs, original.queueUrl);
    const fresh = await freshBackend();
    const summary = await replayArchive(replayDeps(fresh), lastHours(1));
    expect(summary).toMatchObject({ enqueued: 3, stale: 0 });
    expect((await drainEvents(fresh.sqs, fresh.queueUrl)).map((e) => e.type)).toEqual(originals.map((e) => e.type));
  });

  it('reads only the job, the time range and the vendor asked for', async () => {
    await sendMix();
    archive.writeAll(records);
    const fresh = await freshBackend();
    const job = await replayArchive(replayDeps(fresh), lastHours(1, { jobId: 'job-b' }));
    expect(totals(job)).toMatchObject({ read: 2, enqueued: 1, skipped: expect.objectContaining({ madeNoEvent: 1 }) });
    // Only the last two requests (the quarantined one and the poll) are in the last 2.5 seconds.
    const recent = await replayArchive(replayDeps(await freshBackend()), { vendor: 'acme', sinceMs: clock.now() - 1_500, untilMs: clock.now() + 1 });
    expect(totals(recent)).toMatchObject({ read: 2, enqueued: 1, skipped: expect.objectContaining({ quarantined: 1 }) });
    await expect(replayArchive(replayDeps(fresh), lastHours(1, { vendor: 'other' }))).rejects.toThrow('vendor other is not configured in this deployment');
  });

  it('leaves records older than the dedupe window, and does not read the days wholly before it', async () => {
    await send({ id: 'job-old', state: 'queued' });
    const oldDay = records[0];
    clock.advance(TEST_DELIVERY_CONFIG.dedupeWindowMs + 2 * DAY); // two days past the window
    await send({ id: 'job-old', state: 'done' });
    archive.writeAll(records);
    const partitions: string[] = [];
    const dir = new DirectoryArchiveSource(archive.dir);
    const watched: ArchiveSource = { keys: (p, after) => (partitions.push(p), dir.keys(p, after)), open: (k) => dir.open(k) };
    const summary = await replayArchive(replayDeps(await freshBackend(), { archive: watched }), { vendor: 'acme', sinceMs: Date.parse(oldDay.receivedAt) - HOUR, untilMs: clock.now() + 1 });
    expect(summary).toMatchObject({ read: 1, enqueued: 1, notReadBefore: expect.any(String), dedupeWindow: '7 days' });
    expect(partitions).not.toContain(`vendor=acme/day=${oldDay.receivedAt.slice(0, 10)}/`);

    // On the day the window starts, a record older than the window is read and left.
    clock.ms = Date.parse(oldDay.receivedAt) + TEST_DELIVERY_CONFIG.dedupeWindowMs + 60_000;
    const boundary = await replayArchive(replayDeps(await freshBackend()), { vendor: 'acme', sinceMs: Date.parse(oldDay.receivedAt) - HOUR, untilMs: clock.now() + 1 });
    expect(boundary.skipped.olderThanDedupeWindow).toBe(1);
  });

  it('a dry run reads and counts what a run would do, and writes nothing', async () => {
    await sendMix();
    archive.writeAll(records);
    const fresh = await freshBackend();
    const dry = await replayArchive(replayDeps(fresh), lastHours(1, { dryRun: true }));
    expect(dry).toMatchObject({ dryRun: true, read: 9, enqueued: 5, duplicate: 0 });
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual([]);
    expect(await fresh.store.get('acme', 'job-a')).toBeUndefined();
    const real = await replayArchive(replayDeps(fresh), lastHours(1));
    expect(totals(real)).toEqual(totals(dry));
  });

  it('never makes an event the pipeline did not send: a conflicting terminal status is left even when the job has no record', async () => {
    await send({ id: 'job-a', state: 'done' });
    await send({ id: 'job-a', state: 'failed' }); // conflict
    archive.writeAll(records);
    // Only the conflicting request in range, into a store that never saw the job.
    const fresh = await freshBackend();
    const summary = await replayArchive(replayDeps(fresh), { vendor: 'acme', sinceMs: clock.now() - 500, untilMs: clock.now() + 1 });
    expect(summary).toMatchObject({ read: 1, enqueued: 0, skipped: expect.objectContaining({ madeNoEvent: 1 }) });
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual([]);
  });

  it('leaves a record whose event today\'s adapter makes differently (changed)', async () => {
    await send({ id: 'job-a', state: 'running', progress: 0.5 });
    archive.writeAll(records);
    const renamed = acme({ queued: 'queued', running: 'queued', done: 'succeeded', failed: 'failed' });
    const summary = await replayArchive(replayDeps(await freshBackend(), { adapterFor: () => renamed }), lastHours(1));
    expect(summary).toMatchObject({ enqueued: 0, skipped: expect.objectContaining({ changed: 1 }) });
  });

  it('replays a status answer with the follow-up answer the poller read (a download URL), and leaves one without it', async () => {
    const lipdub = createAdapter({ id: 'lipdub', kind: 'lipdub', options: {} });
    const ctx = { baseUrl: 'https://api.lipdub.test', apiKey: undefined };
    const status = { status: 'finished', generate_id: 'render-1' };
    const download = { download_url: 'https://cdn.lipdub.test/render-1.mp4' };
    const first = lipdub.statusApi!.parse('render-1', status, ctx);
    if (first.kind !== 'follow') throw new Error('expected a follow-up');
    const then = first.then(200, download);
    if (then.kind !== 'status') throw new Error('expected a status');
    clock.advance(1_000);
    const { event } = await deliver(then.fields, { vendor: 'lipdub', receivedVia: 'poll', receivedAtMs: clock.now() }, webhookDeps(original));
    const record: ArchiveRecord = {
      v: 1, vendor: 'lipdub', jobId: 'render-1', receivedAt: new Date(clock.now()).toISOString(), receivedVia: 'poll', verdict: 'enqueued', eventId: event.id,
      headers: {}, body: JSON.stringify(status), bodyEncoding: 'utf8', followUps: [{ status: 200, body: JSON.stringify(download), bodyEncoding: 'utf8' }],
    };
    const second = { ...record, jobId: 'render-2', body: JSON.stringify({ status: 'finished', generate_id: 'render-2' }), eventId: eventIdFor('lipdub', { jobId: 'render-2', status: 'succeeded', progress: null, stage: null }), followUps: undefined };
    archive.writeAll([record, second]);
    const fresh = await freshBackend();
    const summary = await replayArchive(replayDeps(fresh, { adapterFor: () => lipdub }), { vendor: 'lipdub', sinceMs: clock.now() - HOUR, untilMs: clock.now() + 1 });
    expect(summary).toMatchObject({ read: 2, enqueued: 1, skipped: expect.objectContaining({ needsFollowUp: 1 }) });
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual(await drainEvents(original.sqs, original.queueUrl));
  });

  it('rebuilds an event whose time is the vendor\'s signed timestamp (the record the webhook path archives keeps it)', async () => {
    // Acme signs `{timestamp}.{body}` and its body says no time: the event's time is the signed one.
    const signedAcme = customAdapter({ auth: { type: 'hmac', signatureHeader: 'x-acme-signature', timestampHeader: 'x-acme-timestamp', template: '{timestamp}.{body}' }, paths: { jobId: 'id', status: 'state' }, statusMap: { done: 'succeeded' } }, 'acme');
    const written = new MemoryRequestArchive();
    const signedAt = Math.floor(clock.now() / 1000) - 30; // signed 30 s before it arrived
    const text = JSON.stringify({ id: 'job-t', state: 'done' });
    const request = { headers: { 'x-acme-timestamp': String(signedAt), 'x-acme-signature': createHmac('sha256', SECRET).update(`${signedAt}.${text}`).digest('hex') }, body: Buffer.from(text) };
    const answer = await handleWebhook('acme', request, { ...webhookDeps(original), adapters: new Map([['acme', signedAcme]]), archive: written });
    expect(answer.statusCode).toBe(200);
    archive.writeAll(written.records);
    const [originalEvent] = await drainEvents(original.sqs, original.queueUrl);
    expect(originalEvent.time).toBe(new Date(signedAt * 1000).toISOString());
    const fresh = await freshBackend();
    await replayArchive(replayDeps(fresh, { adapterFor: () => signedAcme }), lastHours(1));
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toEqual([originalEvent]);
  });

  it('counts unreadable lines and records of another version, and reads on', async () => {
    await send({ id: 'job-a', state: 'queued' });
    archive.write(['{not json', JSON.stringify({ ...records[0], v: 2 }), records[0], JSON.stringify({ ...records[0], vendor: 'other' })]);
    const summary = await replayArchive(replayDeps(await freshBackend()), lastHours(1));
    expect(summary).toMatchObject({ read: 1, enqueued: 1, skipped: expect.objectContaining({ unreadable: 3 }) });
  });

  it('continues from its cursor after a deadline: the same totals as one run, each event once', async () => {
    await sendMix();
    archive.writeAll(records);
    archive.write([records[0]], { partition: `vendor=acme/day=${records[0].receivedAt.slice(0, 10)}/`, name: 'part-9999.jsonl' }); // a second object
    const fresh = await freshBackend();
    const sum = { read: 0, enqueued: 0, duplicate: 0, runs: 0 };
    let cursor: string | undefined;
    for (;;) {
      // A deadline already past: each run handles what it must to move on, then stops.
      const s = await replayArchive(replayDeps(fresh), lastHours(1, { cursor }), { deadlineMs: clock.now() });
      sum.read += s.read;
      sum.enqueued += s.enqueued;
      sum.duplicate += s.duplicate;
      sum.runs++;
      if (s.stoppedBecause === 'done') break;
      expect(s.stoppedBecause).toBe('deadline');
      cursor = s.cursor!;
    }
    expect(sum).toMatchObject({ read: 10, enqueued: 5, duplicate: 1 });
    expect(sum.runs).toBeGreaterThan(5);
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toHaveLength(5);
  });

  it('stops at a backend failure with a cursor before the failed record; the next run delivers it, in order', async () => {
    await sendMix();
    archive.writeAll(records);
    const fresh = await freshBackend();
    const queue = new FaultyQueue(fresh.queue);
    queue.failSends = 1;
    const failed = await replayArchive(replayDeps(fresh, { queue }), lastHours(1));
    expect(failed).toMatchObject({ stoppedBecause: 'failed', error: expect.stringContaining('injected SendMessage failure'), enqueued: 0 });
    // The claim the failed send left is taken over once its lease runs out.
    clock.advance(TEST_DELIVERY_CONFIG.claimLeaseMs + 1);
    const rest = await replayArchive(replayDeps(fresh), lastHours(2, { cursor: failed.cursor! }));
    expect(rest).toMatchObject({ stoppedBecause: 'done', enqueued: 5 });
    expect(await drainEvents(fresh.sqs, fresh.queueUrl)).toHaveLength(5);
  });

  it('refuses a cursor of another request', async () => {
    await send({ id: 'job-a', state: 'queued' });
    archive.writeAll(records);
    const cursor = JSON.stringify({ partition: 'vendor=acme/day=2001-01-01/', startAfter: null, after: null, readThrough: null });
    await expect(replayArchive(replayDeps(await freshBackend()), lastHours(1, { cursor }))).rejects.toThrow('the cursor is not one of this request');
    await expect(replayArchive(replayDeps(await freshBackend()), lastHours(1, { cursor: '{' }))).rejects.toThrow('the cursor is not one a replay gave');
  });

  it('writes its test records where the contract says (vendor=<id>/day=<YYYY-MM-DD>/)', async () => {
    await send({ id: 'job-a', state: 'queued' });
    archive.writeAll(records);
    expect(readdirSync(join(archive.dir, 'vendor=acme'))).toEqual([`day=${records[0].receivedAt.slice(0, 10)}`]);
  });
});
