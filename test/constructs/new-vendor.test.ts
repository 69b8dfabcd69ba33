/**
 * Adding a vendor is its folder, one line in the vendor list and its `Vendor.<v>()` factory
 * (README, "Add a vendor"). Proven on a copy of the project: a made-up vendor, Acme Cast
 * (test/fixtures/new-vendor/), is added with exactly those three edits; the copy type-checks (the
 * compiler also checks its option names against its manifest), synthesizes a stack with
 * `Vendor.acmecast()`, and `video-webhooks dev` and `send` serve it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';

const root = join(__dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'new-vendor');

jest.setTimeout(120_000);

describe('adding a vendor', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-new-vendor-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes its folder, one line in the vendor list and its factory, and nothing else', () => {
    for (const path of ['lambda', 'local', 'lib', 'bin', 'schema', 'tsconfig.json', 'package.json']) cpSync(join(root, path), join(work, path), { recursive: true });
    for (const path of ['node_modules', 'assets']) symlinkSync(join(root, path), join(work, path), 'dir');

    // 1. The folder.
    cpSync(join(fixture, 'acmecast'), join(work, 'lambda', 'vendors', 'acmecast'), { recursive: true });
    // 2. One line in the vendor list (and its import).
    edit(join(work, 'lambda', 'vendors', 'index.ts'), [
      ["import { custom } from './custom';\n", "import { acmecast } from './acmecast';\nimport { custom } from './custom';\n"],
      ['[sync, lipdub, viralsync, synthesia, custom]', '[sync, lipdub, viralsync, synthesia, acmecast, custom]'],
    ]);
    // 3. Its factory, with typed options.
    edit(join(work, 'lib', 'vendor.ts'), [
      ["import { customManifest } from '../lambda/vendors/custom/manifest';\n", "import { acmecastManifest } from '../lambda/vendors/acmecast/manifest';\nimport { customManifest } from '../lambda/vendors/custom/manifest';\n"],
      ['/**\n * Dotted JSON paths', `${readFileSync(join(fixture, 'options.ts.txt'), 'utf8')}/**\n * Dotted JSON paths`],
      ['  /** Any other vendor, run by the custom adapter', `${readFileSync(join(fixture, 'factory.ts.txt'), 'utf8')}  /** Any other vendor, run by the custom adapter`],
    ]);
    writeFileSync(join(work, 'smoke.ts'), readFileSync(join(fixture, 'smoke.ts.txt'), 'utf8'));
    writeFileSync(join(work, 'tsconfig.smoke.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { types: ['node'], noEmit: true, declaration: false }, include: ['lib/**/*.ts', 'lambda/**/*.ts', 'local/**/*.ts', 'bin/**/*.ts', 'smoke.ts'], exclude: ['bin/app.ts'] }));

    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.smoke.json'], { cwd: work, encoding: 'utf8' });
    expect({ tsc: tsc.status, output: tsc.stdout }).toEqual({ tsc: 0, output: '' });

    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'smoke.ts'], { cwd: work, encoding: 'utf8', env: childEnv({ CDK_VALIDATION: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }), timeout: 90_000 });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({
      routes: ['POST /webhooks/acmecast'],
      answer: 200,
      rejected: 401,
      events: [{ type: 'video.job.succeeded', source: 'video-webhooks/acmecast', jobId: 'rnd_1', outputUrl: 'https://cdn.acmecast.example/rnd_1.mp4' }],
    });
  });
});

function edit(path: string, replacements: Array<[string, string]>): void {
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${path} no longer has ${JSON.stringify(from)}: update the README's "Add a vendor" steps and this test`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
