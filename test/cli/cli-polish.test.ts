/**
 * The CLI's manners, run as the built dist/bin/cli.js: --version, "did you mean" for commands,
 * vendors and events, `send --help` derived from the vendor list, `send --port`, and the order
 * of send's checks (an event the vendor does not send is refused as such, secret or not).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { registry } from '../../lambda/vendors/registry';
import { childEnv } from '../support/child-env';
import { CLI } from './dev-support';

const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [CLI, ...args], { env: childEnv(env), encoding: 'utf8' });
const root = join(__dirname, '..', '..');

describe('video-webhooks CLI', () => {
  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const out = run(['--version']);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(`${version}\n`);
  });

  it('answers an unknown command with the command it looks like, in one line', () => {
    const out = run(['sned', 'sync', 'completed']);
    expect(out.status).toBe(2);
    expect(out.stderr).toBe('unknown command sned: did you mean send? (video-webhooks --help lists them)\n');
    expect(run(['frobnicate']).stderr).toBe('unknown command frobnicate: use dev, send, replay, replay-archive, demo (video-webhooks --help lists them)\n');
  });

  it('answers an unknown vendor, and an unknown event, with the one it looks like', () => {
    const vendor = run(['send', 'synthesa', 'completed', '--secret', 's']);
    expect(vendor.status).toBe(2);
    expect(vendor.stderr).toBe('unknown vendor synthesa: did you mean synthesia? (a custom vendor needs --config FILE)\n');
    const event = run(['send', 'viralsync', 'complete', '--secret', 's']);
    expect(event.stderr).toBe('viralsync has no complete webhook; it sends: progress, completed, failed, cancelled: did you mean completed?\n');
  });

  it('send --help lists every vendor of the vendor list with the events it sends', () => {
    const out = run(['send', '--help']);
    expect(out.status).toBe(0);
    for (const b of registry.builtIns) expect(out.stdout).toContain(`  ${b.id.padEnd(10)} ${b.reports === 'poll' ? '(none: it is polled' : b.sampleEvents.join(', ')}`);
  });

  it('send refuses an event the vendor does not send with that reason, even with no secret set', () => {
    const out = run(['send', 'sync', 'progress']);
    expect(out.status).toBe(3);
    expect(out.stderr).toBe('sync has no progress webhook; it sends: completed, failed, cancelled\n');
    expect(run(['send', 'sync', 'completed']).stderr).toBe('no secret for sync: pass --secret or set SYNC_WEBHOOK_SECRET\n');
  });

  it('send --port N posts to that port on 127.0.0.1, and refuses --port with --url', async () => {
    const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    try {
      const out = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'send', 'viralsync', 'completed', '--port', String(port), '--secret', 's3cret'], { env: childEnv() });
        let stdout = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.on('exit', (status: number | null) => resolve({ status, stdout }));
      });
      expect(out.status).toBe(0);
      expect(out.stdout).toMatch(/^200 \{"accepted":true\}/);
      expect(seen.map((s) => s.url)).toEqual(['/webhooks/viralsync']);
      expect(seen[0].headers['x-render-signature']).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      server.close();
    }
    expect(run(['send', 'viralsync', 'completed', '--port', '70000', '--secret', 's']).stderr).toBe('--port is "70000": use a port number from 1 to 65535 (the dev server\'s, 8787 by default)\n');
    expect(run(['send', 'viralsync', 'completed', '--port', '1', '--url', 'http://x', '--secret', 's']).stderr).toBe('pass --port or --url, not both\n');
  });

  it('send <vendor> --body FILE signs that file\'s bytes as the vendor signs (a built-in vendor here)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-send-body-'));
    const file = join(dir, 'body.json');
    const bytes = '{"jobId":"job_own","status":"done","progress":1}\n';
    writeFileSync(file, bytes);
    const out = run(['send', 'viralsync', '--body', file, '--secret', 's3cret', '--print']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(`-H 'x-render-signature: ${createHmac('sha256', 's3cret').update(bytes).digest('hex')}'`);
    expect(run(['send', 'viralsync', 'completed', '--body', file, '--secret', 's']).stderr).toMatch(/^pass an event or --body FILE, not both/);
    expect(run(['send', 'acme', '--body', file, '--secret', 's']).stderr).toBe(
      'unknown vendor acme: use one of sync, lipdub, viralsync, synthesia, replicate, mux, elevenlabs, fal, luma, runway, heygen, tavus (a custom vendor needs --config FILE)\n',
    );
  });

  it('names no vendor in bin/cli*.ts: the help and checks come from the vendor list', () => {
    const files = readdirSync(join(root, 'bin')).filter((f) => /^cli.*\.ts$/.test(f));
    for (const file of files) {
      const text = readFileSync(join(root, 'bin', file), 'utf8');
      for (const b of registry.builtIns) expect({ file, named: new RegExp(`\\b${b.id}\\b`, 'i').test(text) }).toEqual({ file, named: false });
    }
  });
});
