/**
 * The package as a user installs it: `npm pack` of the built library, unpacked into a fresh app's
 * node_modules/cdk-video-webhooks, its dependencies linked from this repo's node_modules (the
 * lockfile's versions; offline): `dependencies`, `optionalDependencies` (npm installs them unless
 * told `--omit=optional`) and the required peers. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const root = join(__dirname, '..', '..');

export interface PackedApp {
  /** The app directory (its package.json is `consumer-app`). */
  readonly dir: string;
  /** node_modules/cdk-video-webhooks inside it. */
  readonly installed: string;
  /** Every path in the tarball. */
  readonly files: string[];
}

/**
 * Packs and installs the package into `work`/app. `withoutDependencies` are left out of the app's
 * node_modules, to prove the package runs without them.
 */
export function installPackedPackage(work: string, requiredBuildOutputs: string[], withoutDependencies: readonly string[] = []): PackedApp {
  for (const f of requiredBuildOutputs) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run "npm run build" before this test`);
  }
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const dir = join(work, 'app');
  const installed = join(dir, 'node_modules', 'cdk-video-webhooks');
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, dependencies: { 'cdk-video-webhooks': `file:../${packed[0].filename}` } }));
  run('tar', ['-xzf', join(work, packed[0].filename), '-C', installed, '--strip-components=1'], dir);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => !manifest.peerDependenciesMeta?.[p]?.optional);
  const installs = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), ...requiredPeers];
  for (const dep of installs.filter((d) => !withoutDependencies.includes(d))) {
    const target = join(dir, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), target, 'dir');
  }
  return { dir, installed, files: packed[0].files.map((f) => f.path) };
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
