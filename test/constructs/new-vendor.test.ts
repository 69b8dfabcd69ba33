/**
 * Adding a vendor is its folder under lambda/vendors/, its file under lib/vendors/ and one line in
 * each vendor list (README, "Add a vendor"). Proven on a copy of the project: a made-up vendor, Acme
 * Cast (test/fixtures/new-vendor/), is added with exactly those edits; the copy type-checks (the
 * compiler also checks its option names against its manifest, and its lib mapping against the
 * manifest's option spec), jsii compiles it into the assembly (so the options need no other export),
 * it synthesizes a stack with `Vendor.acmecast()`, and `video-webhooks dev` and `send` serve it. A
 * fourth place a vendor had to be registered in would fail one of these.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../support/child-env';

const root = join(__dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'new-vendor');

jest.setTimeout(180_000);

describe('adding a vendor', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-new-vendor-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes its folder, its lib file and one line in each vendor list, and nothing else', () => {
    for (const path of ['lambda', 'local', 'lib', 'bin', 'schema', 'tsconfig.json', 'package.json']) cpSync(join(root, path), join(work, path), { recursive: true });
    for (const path of ['tsconfig.jsii.json', 'README.md', 'LICENSE']) cpSync(join(root, path), join(work, path)); // what jsii reads
    for (const path of ['node_modules', 'assets']) symlinkSync(join(root, path), join(work, path), 'dir');

    // 1. The folder.
    cpSync(join(fixture, 'acmecast'), join(work, 'lambda', 'vendors', 'acmecast'), { recursive: true });
    // 2. Its file under lib/vendors/: its options and their mapping to the adapter's.
    writeFileSync(join(work, 'lib', 'vendors', 'acmecast.ts'), readFileSync(join(fixture, 'lib-vendor.ts.txt'), 'utf8'));
    // 3. One line in each list, with its import: the runtime's vendor list, and the Vendor class (its
    //    factory, and its options in the exports).
    edit(join(work, 'lambda', 'vendors', 'index.ts'), [
      ["import { custom } from './custom';\n", "import { acmecast } from './acmecast';\nimport { custom } from './custom';\n"],
      [', custom];', ', acmecast, custom];'],
    ]);
    edit(join(work, 'lib', 'vendor.ts'), [
      ["import { customDefinition,", "import { acmecastDefinition, type AcmecastVendorOptions } from './vendors/acmecast';\nimport { customDefinition,"],
      ["export type { BuiltInVendorOptions,", "export type { AcmecastVendorOptions } from './vendors/acmecast';\nexport type { BuiltInVendorOptions,"],
      [
        '  /** Any other vendor, run by the custom adapter',
        "  /** Acme Cast: `acme-signature` HMAC-SHA256 webhooks. */\n  static acmecast(options: AcmecastVendorOptions): Vendor {\n    return new Vendor(acmecastDefinition(options));\n  }\n\n  /** Any other vendor, run by the custom adapter",
      ],
    ]);
    writeFileSync(join(work, 'smoke.ts'), readFileSync(join(fixture, 'smoke.ts.txt'), 'utf8'));
    writeFileSync(join(work, 'tsconfig.smoke.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { types: ['node'], noEmit: true, declaration: false }, include: ['lib/**/*.ts', 'lambda/**/*.ts', 'local/**/*.ts', 'bin/**/*.ts', 'smoke.ts'], exclude: ['bin/app.ts', 'local/dev-server/console/page'] }));

    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.smoke.json'], { cwd: work, encoding: 'utf8' });
    expect({ tsc: tsc.status, output: tsc.stdout }).toEqual({ tsc: 0, output: '' });

    // jsii, as the build runs it: the new options are part of the assembly through the list alone.
    const jsii = spawnSync(process.execPath, [join(root, 'node_modules', 'jsii', 'bin', 'jsii'), '--fail-on-warnings', '--silence-warnings=reserved-word'], {
      cwd: work,
      encoding: 'utf8',
      env: childEnv({ JSII_SUPPRESS_UPGRADE_PROMPT: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION: '1' }),
    });
    expect({ jsii: jsii.status, output: jsii.status === 0 ? '' : `${jsii.stdout}${jsii.stderr}` }).toEqual({ jsii: 0, output: '' });
    const assembly = JSON.parse(readFileSync(join(work, '.jsii'), 'utf8')) as { types: Record<string, { methods?: Array<{ name: string; static?: boolean }>; properties?: Array<{ name: string; docs?: { default?: string } }> }> };
    expect(assembly.types['cdk-video-webhooks.Vendor'].methods?.find((m) => m.name === 'acmecast')?.static).toBe(true);
    expect(assembly.types['cdk-video-webhooks.AcmecastVendorOptions'].properties?.map((p) => [p.name, p.docs?.default])).toEqual([['timestampTolerance', 'Duration.seconds(120)']]);

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
