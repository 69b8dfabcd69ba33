/**
 * A lock on one 127.0.0.1 port across processes: a test that must use a fixed port (the README's)
 * holds it while it runs, so that two jest runs at once (npm test's shifted-clock passes, or a
 * contributor's second run) take turns instead of one binding the port the other checked was free.
 * The lock is a file in the OS temp folder created exclusively, holding its owner's pid; a lock
 * whose owner no longer runs (a run killed mid-test) is taken over.
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function ownerRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `body` while holding the lock on `port`; waits up to `waitMs` for another process to release it. */
export async function withPortLock<T>(port: number, body: () => Promise<T>, waitMs = 180_000): Promise<T> {
  const path = join(tmpdir(), `cdk-video-webhooks-port-${port}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' }); // created only if absent
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: number;
      let age: number;
      try {
        owner = Number(readFileSync(path, 'utf8'));
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // released between our open and read: try again
      }
      // An empty file is a lock being written this instant, unless it has been empty for seconds.
      const stale = owner > 0 ? !ownerRuns(owner) : age > 5_000;
      if (stale) {
        try {
          unlinkSync(path);
        } catch {
          /* another waiter took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`port ${port} stays locked by process ${owner} (${path}): let that test run end, or delete the file if nothing runs`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await body();
  } finally {
    try {
      if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
}
