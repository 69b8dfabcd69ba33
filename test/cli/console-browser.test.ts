/**
 * The dev console in a real browser: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH)
 * driven by playwright-core, against `video-webhooks dev` (the built CLI, a child process) with a
 * `--handler` consumer that fails one job until the test "fixes" it. Without a reload, the page
 * sends sample events with its button, shows the request rows and each job's timeline as they
 * happen, follows the failing job's event into the DLQ, redrives it with its button and shows it
 * delivered, and replays the quarantine. A page on another origin, in the same browser, tries every
 * state-changing action and reads nothing and changes nothing.
 *
 * A screenshot of each view goes to test-results/console/ (git-ignored) for a reviewer. docs/console.png
 * (README "Develop locally") is its jobs-docs.png, reduced: `pngquant --quality=60-85 jobs-docs.png`.
 * Needs `npm run build` first; on a machine without Chromium the test says what to install and is
 * skipped, except in CI (CI set), where a missing browser fails it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDev, stopDev, type Dev } from './dev-support';
import { BROKEN_JOB, viralsyncRequest, writeFailingConsumer } from './console-support';

const SECRET = 'vs_browser';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', '..', 'test-results', 'console');
/** The flags this machine's Chromium needs headless and offline (/work/.library/env/machines/node.md). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: install one (Debian: apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome binary`;
if (missing && !process.env.CI) process.stderr.write(`console-browser.test.ts cannot run: ${missing}\n`);

const run = missing && !process.env.CI ? it.skip : it;
const title = missing && !process.env.CI ? `cannot run here: ${missing}` : 'sends, watches a job fail into the DLQ, redrives it and sees it delivered, without a reload; another origin can do nothing';

describe('the dev console in headless Chromium', () => {
  let dev: Dev | undefined;
  let context: BrowserContext | undefined;
  let attacker: Server | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'vw-chromium-'));
  afterAll(async () => {
    await context?.close();
    if (dev) await stopDev(dev);
    attacker?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  run(
    title,
    async () => {
      if (missing) throw new Error(`CI is set and the browser test cannot run: ${missing}`);
      const started = Date.now();
      const dir = mkdtempSync(join(tmpdir(), 'vw-console-browser-'));
      const consumer = writeFailingConsumer(dir);
      const server = await startDev({ VIRALSYNC_WEBHOOK_SECRET: SECRET }, ['--handler', 'consumer.cjs', '--visibility-timeout-seconds', '1', '--max-receive-count', '2', '--poll-interval-seconds', '3600'], dir);
      dev = server;
      context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1000, height: 640 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && !frame.url().includes('#')) navigations++;
      });
      await page.goto(`${server.url}/`);
      await page.locator('#live', { hasText: 'live' }).waitFor();
      mkdirSync(SHOTS, { recursive: true });

      // Send a test event with the button: the row and the job's timeline appear.
      await sendWithButton(page, { vendor: 'viralsync', event: 'progress', jobId: 'job_fine' });
      await view(page, 'requests');
      const row = page.locator('li.request', { hasText: 'job_fine' });
      await row.locator('.verdict', { hasText: 'enqueued' }).waitFor();
      await view(page, 'jobs');
      await page.locator('li.job[data-job="viralsync#job_fine"] li.event.state-delivered .step-delivered', { hasText: 'receive 1 of 2: delivered' }).waitFor();
      await sendWithButton(page, { vendor: 'viralsync', event: 'completed', jobId: 'job_fine' });
      await view(page, 'jobs');
      const fine = page.locator('li.job[data-job="viralsync#job_fine"] li.event');
      await fine.nth(1).locator('.step-delivered').waitFor();
      expect(await fine.locator('.type').allTextContents()).toEqual(['video.job.processing', 'video.job.succeeded']); // queue order

      // A refused request shows its usual causes.
      await sendWithButton(page, { vendor: 'viralsync', event: 'completed', jobId: 'job_forged', wrongSecret: true });
      await view(page, 'requests');
      const forged = page.locator('li.request.verdict-rejected', { hasText: 'bad_signature' });
      await forged.locator('.hint', { hasText: 'parsed and re-serialized' }).waitFor();
      await forged.locator('summary').click();
      expect(await forged.locator('pre.body').textContent()).toContain('"jobId": "job_forged"'); // pretty-printed

      // The consumer fails the broken job: its event reaches the DLQ.
      await sendWithButton(page, { vendor: 'viralsync', event: 'completed', jobId: BROKEN_JOB });
      await view(page, 'jobs');
      const broken = page.locator(`li.job[data-job="viralsync#${BROKEN_JOB}"] li.event`);
      await broken.locator('.step-moved-to-dlq').waitFor({ timeout: 20_000 });
      expect(await broken.locator('.step').allTextContents()).toEqual([
        expect.stringMatching(/receive 1 of 2: failed \(handler threw: cannot render job_broken\)$/),
        expect.stringMatching(/receive 2 of 2: failed \(handler threw: cannot render job_broken\)$/),
        expect.stringMatching(/moved to the DLQ$/),
      ]);
      await page.screenshot({ path: join(SHOTS, 'jobs-dlq.png'), fullPage: true });
      await view(page, 'queues');
      await page.locator('#dlq li.message', { hasText: 'video.job.succeeded' }).waitFor();
      expect(await page.locator('#dlq li.message').count()).toBe(1);

      // An authentic request the adapter cannot read lands in the quarantine; the button replays it.
      expect((await fetch(`${server.url}/webhooks/viralsync`, viralsyncRequest(SECRET, 'not JSON at all'))).status).toBe(202);
      await page.locator('#quarantine li.message', { hasText: 'body is not a JSON object' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'queues.png'), fullPage: true });

      // Another origin in the same browser tries every state-changing action (and to read): nothing happens.
      attacker = await attackerSite(server.url);
      const evil = await context.newPage();
      await evil.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      // The page's own script runs in the browser; these are expressions evaluated there.
      await evil.waitForFunction("document.title === 'done'", undefined, { timeout: 20_000 });
      const tried = (await evil.evaluate('window.results')) as Record<string, string>;
      await evil.close();
      expect(tried).toEqual({
        'GET / (the token)': 'blocked',
        'GET /console/requests': 'blocked',
        ...Object.fromEntries(ACTIONS.flatMap((path) => [[`${path} no-cors`, 'sent'], [`${path} with a token header`, 'blocked']])),
        'form POST /dlq/redrive': 'sent',
      });
      expect(server.stderr.filter((l) => /^403 POST \/(dlq\/redrive|quarantine\/replay|console\/send|jobs): Origin http:\/\/127\.0\.0\.1:\d+ is another site/.test(l)).length).toBeGreaterThanOrEqual(ACTIONS.length + 1);
      expect(server.stderr.filter((l) => /^(redrive|quarantine replay):/.test(l) || l.includes('job_attacker'))).toEqual([]);
      const dlq = (await (await fetch(`${server.url}/dlq`)).json()) as unknown[];
      expect(dlq).toHaveLength(1); // not redriven by the other site
      expect(await (await fetch(`${server.url}/console/requests`)).text()).not.toContain('job_attacker');

      // The developer fixes the consumer and presses redrive: delivered.
      consumer.fix();
      await page.locator('#redrive').click();
      await page.locator('#redrive-result', { hasText: 'moved 1 message back to the events queue' }).waitFor();
      await page.locator('#replay').click();
      await page.locator('#replay-result', { hasText: '1 received: 0 enqueued, 0 duplicate, 1 sent back' }).waitFor();
      await page.locator('#quarantine li.message', { hasText: 'replayed 1×' }).waitFor();
      await view(page, 'jobs');
      await broken.locator('.state', { hasText: 'delivered' }).waitFor({ timeout: 20_000 });
      expect((await broken.locator('.step').allTextContents()).slice(3)).toEqual([expect.stringMatching(/left the DLQ \(redriven\)$/), expect.stringMatching(/receive 1 of 2: delivered \(handled\)$/)]);
      await view(page, 'queues');
      await page.waitForFunction("document.querySelectorAll('#dlq li.message').length === 0");

      // One view per screenshot, for a reviewer.
      for (const name of ['requests', 'jobs', 'queues', 'send'] as const) {
        await view(page, name);
        await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
        if (name === 'jobs') await page.screenshot({ path: join(SHOTS, 'jobs-docs.png'), clip: { x: 0, y: 0, width: 1000, height: 420 } });
      }
      expect(navigations).toBe(1); // the first load: everything after came live
      expect(problems).toEqual([]);
      process.stderr.write(`console-browser.test.ts: ${((Date.now() - started) / 1000).toFixed(1)} s, screenshots in ${SHOTS}\n`);
    },
    90_000,
  );
});

const ACTIONS = ['/dlq/redrive', '/quarantine/replay', '/console/send', '/jobs'];

async function view(page: Page, name: 'requests' | 'jobs' | 'queues' | 'send'): Promise<void> {
  await page.locator(`nav a[data-view="${name}"]`).click();
  await page.locator(`#view-${name}`).waitFor({ state: 'visible' });
}

async function sendWithButton(page: Page, input: { vendor: string; event: string; jobId: string; wrongSecret?: boolean }): Promise<void> {
  await view(page, 'send');
  await page.locator('#send-vendor').selectOption(input.vendor);
  await page.locator('#send-event').selectOption(input.event);
  await page.locator('#send-job').fill(input.jobId);
  await page.locator('#send-wrong').setChecked(input.wrongSecret === true);
  await page.locator('#send').click();
  await page.locator('#send-result', { hasText: `${input.vendor} ${input.event}, job ${input.jobId}: answered ${input.wrongSecret ? 401 : 200}` }).waitFor();
}

/** A page on another origin (another port of 127.0.0.1) that tries the console's actions and reads. */
function attackerSite(target: string): Promise<Server> {
  const script = `
(async () => {
  const target = ${JSON.stringify(target)};
  const results = {};
  for (const path of ['/', '/console/requests']) {
    try { await (await fetch(target + path)).text(); results[path === '/' ? 'GET / (the token)' : 'GET ' + path] = 'read'; }
    catch { results[path === '/' ? 'GET / (the token)' : 'GET ' + path] = 'blocked'; }
  }
  const body = JSON.stringify({ vendor: 'viralsync', event: 'completed', jobId: 'job_attacker' });
  for (const path of ${JSON.stringify(ACTIONS)}) {
    try { await fetch(target + path, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }); results[path + ' no-cors'] = 'sent'; }
    catch (e) { results[path + ' no-cors'] = 'error ' + e.message; }
    try { const r = await fetch(target + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-video-webhooks-token': 'a guess' }, body }); results[path + ' with a token header'] = 'answered ' + r.status; }
    catch { results[path + ' with a token header'] = 'blocked'; }
  }
  const frame = document.createElement('iframe');
  frame.name = 'sink';
  document.body.append(frame);
  const form = document.createElement('form');
  form.method = 'POST'; form.action = target + '/dlq/redrive'; form.target = 'sink';
  document.body.append(form);
  await new Promise((resolve) => { frame.onload = resolve; form.submit(); });
  results['form POST /dlq/redrive'] = 'sent';
  window.results = results;
  document.title = 'done';
})();`;
  const server = createServer((req, res) => {
    if (req.url === '/evil.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another site</title><body><script src="/evil.js"></script></body>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
