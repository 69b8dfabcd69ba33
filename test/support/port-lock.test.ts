import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { withPortLock } from './port-lock';

// Ports no other test locks: each case its own.
const lockFile = (port: number) => join(tmpdir(), `cdk-video-webhooks-port-${port}.lock`);

describe('withPortLock', () => {
  it('runs two holders of one port one after the other, never at once, and releases the lock', async () => {
    const port = 61001;
    let inside = 0;
    let most = 0;
    const hold = () =>
      withPortLock(port, async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 300));
        inside -= 1;
      });
    await Promise.all([hold(), hold(), hold()]);
    expect(most).toBe(1);
    expect(existsSync(lockFile(port))).toBe(false);
  });

  it('takes over a lock whose owner no longer runs (a run killed mid-test)', async () => {
    const port = 61002;
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockFile(port), gone);
    await expect(withPortLock(port, async () => 'ran', 2_000)).resolves.toBe('ran');
  });

  it('waits for a running owner and names it when the wait ends', async () => {
    const port = 61003;
    writeFileSync(lockFile(port), String(process.ppid));
    try {
      await expect(withPortLock(port, async () => 'ran', 600)).rejects.toThrow(`port ${port} stays locked by process ${process.ppid}`);
    } finally {
      rmSync(lockFile(port), { force: true });
    }
  });
});
