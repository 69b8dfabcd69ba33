/**
 * For the console tests: a consumer (`--handler`, plain CommonJS written by the test) that fails
 * every event of one job until a marker file exists (the developer's fix), signed ViralSync
 * requests (HMAC computed here, not by the code under test), and the run's token read off the page.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The job the consumer fails. */
export const BROKEN_JOB = 'job_broken';

/** Writes `consumer.cjs` into `dir`: it throws for BROKEN_JOB's events while `<dir>/fixed` is missing. */
export function writeFailingConsumer(dir: string): { file: string; fix: () => void } {
  const fixed = join(dir, 'fixed');
  const file = join(dir, 'consumer.cjs');
  writeFileSync(
    file,
    `const { existsSync } = require('node:fs');
exports.handler = async (event) => {
  for (const record of event.Records) {
    const { data } = JSON.parse(record.body);
    if (data.jobId === ${JSON.stringify(BROKEN_JOB)} && !existsSync(${JSON.stringify(fixed)})) throw new Error('cannot render ' + data.jobId);
  }
  return { batchItemFailures: [] };
};
`,
  );
  return { file, fix: () => writeFileSync(fixed, '') };
}

/** A ViralSync webhook (x-render-signature: hex HMAC-SHA256 of the body, VENDORS.md) for `fetch`. */
export function viralsyncRequest(secret: string, body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', 'x-render-signature': createHmac('sha256', secret).update(body).digest('hex') }, body };
}

export function viralsyncBody(jobId: string, status: 'running' | 'done', progress: number): string {
  return JSON.stringify({ jobId, status, progress, timestamp: new Date().toISOString() });
}

/** The token in the page GET / answers. */
export async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  const token = /<meta name="video-webhooks-token" content="([^"]+)">/.exec(html)?.[1];
  if (!token) throw new Error(`GET / has no token meta tag:\n${html.slice(0, 500)}`);
  return token;
}
