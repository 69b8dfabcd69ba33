/**
 * The dev server's `POST /archive/replay` (local/dev-server/archive-replay-route.ts) and
 * `video-webhooks replay-archive --to URL`: the dev server's own routes (routes.ts) on its own
 * pipeline (wiring.ts) over the emulators, replaying an archive directory of records made from
 * requests sent through the real webhook path into another, fresh pipeline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { ArchiveRecord } from '../../lambda/contract/archive';
import { handleWebhook } from '../../lambda/core/webhook';
import { createAdapter } from '../../lambda/vendors/registry';
import { queueInspector } from '../../local/dev-server/queue-inspection';
import { routeRequest } from '../../local/dev-server/routes';
import { wireLocalPipeline, type LocalPipeline } from '../../local/dev-server/wiring';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { buildSample } from '../../bin/cli-send';
import { replayArchiveCommand } from '../../bin/cli-replay-archive';
import { ArchiveDir, recordOf } from '../support/archive-fixture';
import { drainEvents, freshBackend, testEmulators, TEST_DELIVERY_CONFIG } from '../support/emulators';

const SECRET = 'viralsync-route-secret';

describe('POST /archive/replay (the dev server\'s routes on its own pipeline)', () => {
  const archive = new ArchiveDir();
  let pipeline: LocalPipeline;
  let server: Server;
  let url: string;
  let originals: unknown[];
  const lines: string[] = [];

  beforeAll(async () => {
    // The original requests, through the real webhook path, archived as the contract says.
    const original = await freshBackend();
    const adapter = createAdapter({ id: 'viralsync', kind: 'viralsync', options: {} });
    // One instant per request, read by the pipeline and the record alike (as the archive writer records the pipeline's receivedAt).
    let at = Date.now();
    const deps = {
      adapters: new Map([['viralsync', adapter]]), secrets: new StaticSecretSource({ viralsync: [SECRET] }), secretIdFor: (v: string) => v,
      store: original.store, queue: original.queue, quarantine: original.quarantine, clock: { now: () => at, sleep: async () => undefined },
      telemetry: { log: () => undefined, count: () => undefined }, config: TEST_DELIVERY_CONFIG, maxBodyBytes: 262_144,
    };
    const records: ArchiveRecord[] = [];
    for (const [event, jobId] of [['progress', 'vs-a'], ['completed', 'vs-a'], ['completed', 'vs-b'], ['completed', 'vs-a']]) {
      const sample = buildSample('viralsync', event, { secret: SECRET, jobId, nowMs: Date.now() });
      const request = { headers: Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(sample.body) };
      at = Date.now();
      records.push(recordOf('viralsync', request, await handleWebhook('viralsync', request, deps), at, adapter.authHeaders)!);
      await new Promise((r) => setTimeout(r, 5));
    }
    archive.writeAll(records);
    originals = await drainEvents(original.sqs, original.queueUrl);

    // A dev server's pipeline, fresh, and its routes.
    pipeline = await wireLocalPipeline(testEmulators(), { env: { VIRALSYNC_WEBHOOK_SECRET: SECRET } });
    const inspector = queueInspector(pipeline.sqs, { endpoint: process.env.VW_TEST_SQS_ENDPOINT! });
    server = createServer(routeRequest({ pipeline, inspector, log: (l) => lines.push(l), hostRule: { allowHosts: [] }, archiveDir: archive.dir }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${url}/archive/replay`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const window = () => ({ vendor: 'viralsync', since: new Date(Date.now() - 3_600_000).toISOString(), until: new Date(Date.now() + 1_000).toISOString() });
  const byId = (events: Array<{ id: string }>) => [...events].sort((a, b) => a.id.localeCompare(b.id));

  it('replays its archive into its pipeline and answers the summary: every original event once; again: none', async () => {
    const first = await post(window());
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ vendor: 'viralsync', read: 4, enqueued: 3, duplicate: 0, skipped: { madeNoEvent: 1 }, stoppedBecause: 'done', cursor: null });
    expect(byId(await drainEvents(pipeline.sqs, pipeline.queues.queueUrl))).toEqual(byId(originals as Array<{ id: string }>));
    expect(lines.at(-1)).toBe('archive replay viralsync: read 4, enqueued 3, duplicate 0, done');

    const again = await post(window());
    expect(await again.json()).toMatchObject({ read: 4, enqueued: 0, stoppedBecause: 'done' });
    expect(await drainEvents(pipeline.sqs, pipeline.queues.queueUrl)).toEqual([]);
  });

  it('replay-archive --to URL --archive-dir DIR goes through it and prints the summary', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await replayArchiveCommand({ vendor: 'viralsync', since: '1h', until: 'now', to: url, 'archive-dir': archive.dir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toBe(`replay-archive: viralsync received from ${out[0].split(' received from ')[1].split(',')[0]}, through the dev server at ${url}`);
    expect(out.at(-1)).toMatch(/^done: read 4, enqueued 0, duplicate 3, skipped 1/);
  });

  it('refuses another archive directory, a body that is not application/json, another site, and a bad request, each in one line', async () => {
    const other = await post({ ...window(), archiveDir: '/elsewhere' });
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ error: `this dev server archives to ${resolve(archive.dir)}, not /elsewhere: start one with --archive-dir /elsewhere, or drop --archive-dir` });
    const plain = await post(window(), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect((await plain.json() as { error: string }).error).toMatch(/^POST \/archive\/replay takes content-type application\/json \(got text\/plain\)/);
    const site = await post(window(), { 'content-type': 'application/json', origin: 'https://attacker.example' });
    expect(site.status).toBe(403);
    const bad = await post({ ...window(), since: '2026-13-45' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'since "2026-13-45" is not a time: give an ISO 8601 date or time with its zone, e.g. 2026-12-01 or 2026-12-01T09:30:00Z' });
    const unknown = await post({ ...window(), vendor: 'nope' });
    expect(await unknown.json()).toEqual({ error: 'vendor nope is not configured in this deployment: replay one of its vendors' });
    const field = await post({ ...window(), job: 'vs-a' });
    expect(await field.json()).toEqual({ error: 'unknown field "job": the request takes vendor, jobId, since, until, dryRun, cursor, maxSeconds' });
    const cli: string[] = [];
    expect(await replayArchiveCommand({ vendor: 'viralsync', since: '1h', until: 'now', to: url, 'archive-dir': '/elsewhere' }, { out: () => undefined, err: (l) => cli.push(l) })).toBe(1);
    expect(cli).toEqual([`replay-archive: ${url} answered 409: this dev server archives to ${resolve(archive.dir)}, not /elsewhere: start one with --archive-dir /elsewhere, or drop --archive-dir`]);
  });
});
