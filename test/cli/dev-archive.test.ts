/**
 * `video-webhooks dev`'s archive (issue 22): every authenticated request the dev server takes is
 * written to a directory in the S3 objects' layout (vendor=<id>/day=<YYYY-MM-DD>/ folders of JSON
 * Lines files), the verdicts as the deployed verifier gives them; `--no-archive` writes nothing.
 * The dev server runs on its embedded emulators; requests are signed with node:crypto here.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { archivePartition, type ArchiveRecord } from '../../lambda/contract/archive';
import { spawnCli, startDev, stopDev, waitFor } from './dev-support';

const SECRET = 'whsec_archive_dev';

function syncRequest(body: string, secret = SECRET): { headers: Record<string, string>; body: string } {
  const t = String(Math.floor(Date.now() / 1000));
  return { body, headers: { 'content-type': 'application/json', 'sync-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` } };
}

/** Every file under `dir`, relative, and the records of its lines. */
function archived(dir: string): { files: string[]; records: ArchiveRecord[]; texts: string[] } {
  const files = (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f)).filter((f) => f.endsWith('.jsonl'));
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  return { files: files.map((f) => relative(dir, f)), texts, records: texts.flatMap((t) => t.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ArchiveRecord)) };
}

describe('the dev server\'s archive directory (the built CLI)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vw-archive-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each authenticated request as one line in its vendor=<id>/day=<YYYY-MM-DD>/ folder of --archive-dir, with its verdict, and nothing for a forged one', async () => {
    const dev = await startDev({ SYNC_WEBHOOK_SECRET: SECRET }, ['--archive-dir', join(dir, 'archive')], dir);
    try {
      const completed = JSON.stringify({ id: 'gen-1', status: 'COMPLETED', outputUrl: 'https://x/1.mp4' });
      const post = (r: { headers: Record<string, string>; body: string }) => fetch(`${dev.url}/webhooks/sync`, { method: 'POST', headers: r.headers, body: r.body }).then((res) => res.status);
      expect(await post(syncRequest(completed))).toBe(200);
      expect(await post(syncRequest(completed))).toBe(200); // a retry: duplicate
      expect(await post(syncRequest('not json'))).toBe(202);
      expect(await post(syncRequest(completed, 'forged'))).toBe(401);

      const { files, records, texts } = archived(join(dir, 'archive'));
      expect(records.map((r) => r.verdict)).toEqual(['enqueued', 'duplicate', 'quarantined']);
      expect(new Set(files.map((f) => `${f.split('/').slice(0, 2).join('/')}/`))).toEqual(new Set([archivePartition('sync', records[0].receivedAt)]));
      expect(texts.every((t) => t.endsWith('\n'))).toBe(true);
      expect(records[0]).toMatchObject({ v: 1, vendor: 'sync', jobId: 'gen-1', receivedVia: 'webhook', body: completed, bodyEncoding: 'utf8' });
      expect(records[0].eventId).toBe(records[1].eventId);
      expect(existsSync(join(dir, '.video-webhooks'))).toBe(false);
    } finally {
      await stopDev(dev);
    }
  }, 60_000);

  it('video-webhooks dev archives under .video-webhooks/archive of its working directory by default, and says where', async () => {
    const dev = await startDev({ SYNC_WEBHOOK_SECRET: SECRET }, [], dir);
    try {
      const r = syncRequest(JSON.stringify({ id: 'gen-3', status: 'COMPLETED', outputUrl: 'https://x/3.mp4' }));
      expect((await fetch(`${dev.url}/webhooks/sync`, { method: 'POST', headers: r.headers, body: r.body })).status).toBe(200);
      const records = await waitFor(() => (existsSync(join(dir, '.video-webhooks', 'archive')) ? archived(join(dir, '.video-webhooks', 'archive')).records : []).at(0), 10_000);
      expect(records).toMatchObject({ vendor: 'sync', jobId: 'gen-3', verdict: 'enqueued' });
      expect(dev.stderr.some((l) => l.includes(`archive: ${join(dir, '.video-webhooks', 'archive')}`))).toBe(true);
    } finally {
      await stopDev(dev);
    }
  }, 60_000);

  it('video-webhooks dev --no-archive writes nothing, and refuses --no-archive with --archive-dir', async () => {
    const dev = await startDev({ SYNC_WEBHOOK_SECRET: SECRET }, ['--no-archive'], dir);
    try {
      const r = syncRequest(JSON.stringify({ id: 'gen-4', status: 'COMPLETED', outputUrl: 'https://x/4.mp4' }));
      expect((await fetch(`${dev.url}/webhooks/sync`, { method: 'POST', headers: r.headers, body: r.body })).status).toBe(200);
      expect(existsSync(join(dir, '.video-webhooks'))).toBe(false);
    } finally {
      await stopDev(dev);
    }
    const both = spawnCli(['dev', '--port', '0', '--no-archive', '--archive-dir', join(dir, 'a')], {}, dir);
    expect(await both.exited).toBe(2);
    expect(both.stderr.join('\n')).toMatch(/--archive-dir and --no-archive/);
  }, 60_000);
});
