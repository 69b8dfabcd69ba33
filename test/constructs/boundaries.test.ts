/**
 * The shape of the house: the folder rules of .dependency-cruiser.cjs (no import cycle; lambda/core
 * imports no AWS SDK and nothing of vendors, adapters, poller, local tooling or handlers; lib/
 * imports from lambda/ only the contract and vendor manifests; lambda/ and lib/ import nothing of
 * local/), checked by dependency-cruiser over every source file; no laptop code under lambda/; and
 * one vendor, one folder (and one lib/vendors/<vendor>.ts file).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUILT_IN_VENDOR_IDS } from '../../lambda/vendors/registry';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the folder rules', () => {
  it('hold for every source file (dependency-cruiser, .dependency-cruiser.cjs)', () => {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'lambda', 'local', 'lib', 'bin', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(run.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string; cycle?: Array<{ name: string }> }>; totalCruised: number } };
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.cycle ? v.cycle.map((c) => c.name).join(' -> ') : v.to}`);
    expect(violations).toEqual([]);
    expect(result.summary.totalCruised).toBeGreaterThan(80); // it did look at the code
  });

  it('keeps laptop code out of lambda/: no server, no emulator, no local/ folder', () => {
    // What dependency-cruiser cannot see: an HTTP server is a named import of node:http (which the
    // poller's status client also uses, as a client), and fauxqs is loaded through a dynamic import().
    const laptopCode = /\bcreateServer\b|\.listen\(|['"](dynalite|fauxqs)['"]/;
    const offenders = sourceFiles('lambda').filter((f) => /(^|\/)local\//.test(f) || laptopCode.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
    expect(sourceFiles('local').length).toBeGreaterThan(10); // the laptop's code is where it belongs
  });

  it('keeps each built-in vendor in its folder and its lib file: outside them, its id is named only by the vendor lists (lambda/vendors/index.ts, lib/vendor.ts)', () => {
    const files = [...sourceFiles('lambda'), ...sourceFiles('lib')];
    for (const id of BUILT_IN_VENDOR_IDS) {
      const own = `lambda/vendors/${id}/`;
      const naming = files.filter((f) => !relative(root, join(root, f)).startsWith(own) && f !== `lib/vendors/${id}.ts` && namesVendor(readFileSync(join(root, f), 'utf8'), id));
      expect({ id, files: naming.sort() }).toEqual({ id, files: ['lambda/vendors/index.ts', 'lib/vendor.ts'] });
    }
  });

  it("counts a vendor's id anywhere in the code but in a URL's host (Tavus's videos are on stream.mux.com: Mux's host, not the mux vendor)", () => {
    expect(namesVendor("import { mux } from './mux';", 'mux')).toBe(true);
    expect(namesVendor("if (vendor === 'mux') return;", 'mux')).toBe(true);
    expect(namesVendor('Vendor.mux({ webhookSecret })', 'mux')).toBe(true);
    expect(namesVendor("const url = 'https://example.com/mux/assets';", 'mux')).toBe(true); // a path is not a host
    expect(namesVendor('download_url: `https://stream.mux.com/${id}/high.mp4`,', 'mux')).toBe(false);
    expect(namesVendor('https://stream.mux.com/a then mux', 'mux')).toBe(true);
  });
});

/** Whether `text` names the vendor `id` (a whole word, any case), leaving out the hosts of URLs: a host is the vendor company's, not a reference to the vendor's code. */
function namesVendor(text: string, id: string): boolean {
  return new RegExp(`\\b${id}\\b`, 'i').test(text.replace(/https?:\/\/[^/\s'"`]+/g, 'https://'));
}
