/**
 * Issue 22's end-to-end run, on the built CLI: a mix of requests sent through `video-webhooks dev`
 * (archived by it in --archive-dir), then that archive replayed with `video-webhooks
 * replay-archive --to URL` into a second dev server (fresh emulators: a fresh table and queue)
 * that archives to the same directory: every original event comes out exactly once, field for
 * field; replaying again adds none, and a replay archives nothing itself.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoJobEvent } from '../../lambda/core/event';
import { buildSample } from '../../bin/cli-send';
import { spawnCli, startDev, stopDev, waitFor, type Dev } from './dev-support';

const SECRETS = { SYNC_WEBHOOK_SECRET: 'whsec_replay_e2e', VIRALSYNC_WEBHOOK_SECRET: 'viralsync-replay-e2e' };

function syncRequest(body: string, secret = SECRETS.SYNC_WEBHOOK_SECRET) {
  const t = String(Math.floor(Date.now() / 1000));
  return { body, headers: { 'content-type': 'application/json', 'sync-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` } };
}

const events = (dev: Dev): VideoJobEvent[] => dev.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as VideoJobEvent);
const byId = (list: VideoJobEvent[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
const archivedLines = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(dir, f), 'utf8')).join('').split('\n').filter(Boolean).length;

describe('the dev server\'s archive, replayed into a fresh pipeline (the built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vw-replay-e2e-'));
  const archiveDir = join(dir, 'archive');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets every original event exactly once, the same JSON; replaying again adds none', async () => {
    // The original run.
    const original = await startDev(SECRETS, ['--archive-dir', archiveDir], dir);
    let originals: VideoJobEvent[];
    try {
      const post = (vendor: string, r: { headers: Record<string, string>; body: string }) => fetch(`${original.url}/webhooks/${vendor}`, { method: 'POST', headers: r.headers, body: r.body }).then((res) => res.status);
      const viralsync = (event: string, jobId: string) => post('viralsync', buildSample('viralsync', event, { secret: SECRETS.VIRALSYNC_WEBHOOK_SECRET, jobId }));
      expect(await viralsync('progress', 'vs-1')).toBe(200);
      expect(await viralsync('completed', 'vs-1')).toBe(200);
      expect(await viralsync('completed', 'vs-1')).toBe(200); // the vendor's retry: duplicate
      expect(await viralsync('failed', 'vs-1')).toBe(200); // after its terminal event: conflict
      expect(await viralsync('progress', 'vs-2')).toBe(200);
      const completed = JSON.stringify({ id: 'gen-1', status: 'COMPLETED', outputUrl: 'https://x/1.mp4' });
      expect(await post('sync', syncRequest(completed))).toBe(200);
      expect(await post('sync', syncRequest('not json'))).toBe(202); // quarantined
      expect(await post('sync', syncRequest(completed, 'forged'))).toBe(401); // not archived
      originals = await waitFor(() => (events(original).length >= 4 ? events(original) : undefined), 20_000, () => original.stdout.join('\n'));
      await new Promise((r) => setTimeout(r, 500)); // nothing more comes
      expect(events(original)).toHaveLength(4);
    } finally {
      await stopDev(original);
    }
    const archivedBefore = archivedLines(archiveDir);
    expect(archivedBefore).toBe(7);

    // A fresh pipeline, archiving to the same directory, replays it.
    const fresh = await startDev(SECRETS, ['--archive-dir', archiveDir], dir);
    try {
      const replay = async (vendor: string) => {
        const cli = spawnCli(['replay-archive', '--vendor', vendor, '--since', '1h', '--until', 'now', '--to', fresh.url, '--archive-dir', archiveDir], {}, dir);
        const code = await cli.exited;
        expect({ code, stderr: cli.stderr }).toEqual({ code: 0, stderr: [] });
        return cli.stdout.at(-1);
      };
      expect(await replay('viralsync')).toBe('done: read 5, enqueued 3, duplicate 0, skipped 2; skipped: madeNoEvent 2');
      expect(await replay('sync')).toBe('done: read 2, enqueued 1, duplicate 0, skipped 1; skipped: quarantined 1');
      const replayed = await waitFor(() => (events(fresh).length >= 4 ? events(fresh) : undefined), 20_000, () => fresh.stdout.join('\n'));
      expect(byId(replayed)).toEqual(byId(originals));

      expect(await replay('viralsync')).toMatch(/^done: read 5, enqueued 0, duplicate 3, skipped 2/);
      expect(await replay('sync')).toMatch(/^done: read 2, enqueued 0, duplicate 1, skipped 1/);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(events(fresh)).toHaveLength(4);
      expect(archivedLines(archiveDir)).toBe(archivedBefore); // a replay is not a request: nothing archived
    } finally {
      await stopDev(fresh);
    }
  }, 120_000);
});
