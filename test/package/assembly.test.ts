/**
 * The package is a jsii library as Construct Hub reads it: `npm pack` ships the `.jsii` assembly of
 * this name and version, written by the same build as dist/lib; the assembly names a package for
 * Python, Java, .NET and Go; the keywords include `awscdk` and the license is Apache-2.0; it
 * depends on jsii libraries only (aws-cdk-lib, constructs). API.md is the one jsii-docgen renders
 * from it, and the check `npm test` runs says so when a copy is stale. Needs `npm run build` first.
 *
 * What Construct Hub asks of a package: a permissive license, a keyword it recognizes (`awscdk`)
 * and compilation with jsii
 * (https://aws.amazon.com/blogs/opensource/best-practices-for-discoverability-of-a-construct-library-on-construct-hub/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Assembly {
  readonly schema: string;
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly keywords?: string[];
  readonly author: { readonly name: string };
  readonly repository: { readonly url: string };
  readonly dependencies?: Record<string, string>;
  readonly targets: Record<string, unknown>;
  readonly types: Record<string, { readonly kind: string; readonly name: string }>;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly keywords: string[];
  readonly files: string[];
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly bundledDependencies?: string[];
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

function readAssembly(): Assembly {
  const file = join(root, '.jsii');
  if (!existsSync(file)) throw new Error('.jsii is missing: run "npm run build" before this test');
  return JSON.parse(readFileSync(file, 'utf8')) as Assembly;
}

describe('the jsii assembly', () => {
  it('ships in the npm package, for the name and version of package.json', () => {
    const assembly = readAssembly();
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const [packed] = JSON.parse(r.stdout) as Array<{ name: string; version: string; files: Array<{ path: string; size: number }> }>;
    expect(packed.files.find((f) => f.path === '.jsii')).toEqual({ path: '.jsii', size: readFileSync(join(root, '.jsii')).length, mode: expect.any(Number) });
    expect({ name: assembly.name, version: assembly.version }).toEqual({ name: pkg.name, version: pkg.version });
    expect({ name: packed.name, version: packed.version }).toEqual({ name: pkg.name, version: pkg.version });
    expect(assembly.schema).toBe('jsii/0.10.0');
  });

  it('describes what dist/lib exports: the same build wrote both', () => {
    const assembly = readAssembly();
    const lib = createRequire(__filename)(join(root, 'dist', 'lib', 'index.js')) as Record<string, unknown>;
    const inAssembly = new Set(Object.keys(assembly.types));
    const classesAndEnums = Object.entries(assembly.types)
      .filter(([, t]) => t.kind === 'class' || t.kind === 'enum')
      .map(([fqn]) => fqn.slice(pkg.name.length + 1))
      .sort();
    const exportedClasses = Object.keys(lib).filter((name) => typeof lib[name] === 'function');
    const enums = Object.keys(lib).filter((name) => inAssembly.has(`${pkg.name}.${name}`) && assembly.types[`${pkg.name}.${name}`].kind === 'enum');
    expect(classesAndEnums).toEqual([...exportedClasses, ...enums].sort());
    // jsii leaves exported constants out of the assembly: these are TypeScript-only API, which
    // Python, Java, .NET and Go do not see (a static member of a class would carry them there).
    const typeScriptOnly = Object.keys(lib).filter((name) => !inAssembly.has(`${pkg.name}.${name}`)).sort();
    expect(typeScriptOnly).toEqual(['EVENT_QUEUE_DEFAULTS', 'VENDOR_ID_PATTERN', 'VIDEO_WEBHOOKS_METRIC_NAMESPACE', 'VideoWebhooksMetric']);
    // jsii compiled dist/lib: each class carries its runtime type info (the jsii kernel and aws-cdk-lib's construct info read it).
    const rtti = Symbol.for('jsii.rtti');
    for (const name of exportedClasses) {
      expect((lib[name] as Record<symbol, unknown>)[rtti]).toEqual({ fqn: `${pkg.name}.${name}`, version: pkg.version });
    }
  });

  it('names a package for Python, Java, .NET and Go', () => {
    expect(readAssembly().targets).toEqual({
      js: { npm: 'cdk-video-webhooks' },
      python: { distName: 'cdk-video-webhooks', module: 'cdk_video_webhooks' },
      java: { package: 'io.github.cdkvideowebhooks', maven: { groupId: 'io.github.cdk-video-webhooks', artifactId: 'cdk-video-webhooks' } },
      dotnet: { namespace: 'CdkVideoWebhooks', packageId: 'CdkVideoWebhooks' },
      go: { moduleName: 'github.com/cdk-video-webhooks/cdk-video-webhooks-go' },
    });
  });

  it('carries what Construct Hub indexes: the awscdk keyword, an Apache-2.0 license, an author and a repository', () => {
    const assembly = readAssembly();
    expect(pkg.keywords).toContain('awscdk');
    expect(assembly.keywords).toContain('awscdk');
    expect([pkg.license, assembly.license]).toEqual(['Apache-2.0', 'Apache-2.0']);
    expect(assembly.author.name).not.toBe('');
    expect(assembly.repository.url).toMatch(/^https:\/\/github\.com\/.+\.git$/);
  });

  it('depends on jsii libraries only: the peers aws-cdk-lib and constructs; nothing else is a dependency or a peer', () => {
    expect(readAssembly().dependencies).toEqual(pkg.peerDependencies);
    expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    // The run-time packages of cdk-video-webhooks/runtime and the CLI are optional: jsii would
    // otherwise demand them bundled into the tarball (and into every language's package).
    expect({ dependencies: pkg.dependencies, bundledDependencies: pkg.bundledDependencies }).toEqual({ dependencies: undefined, bundledDependencies: undefined });
    // ajv compiles the schema at build time only.
    expect(Object.keys(pkg.optionalDependencies ?? {})).not.toEqual(expect.arrayContaining(['ajv']));
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['ajv', 'ajv-formats']));
    // jsii warns unless each peer's lowest version is the dev dependency the tests run on.
    expect(pkg.devDependencies['aws-cdk-lib']).toBe(pkg.peerDependencies?.['aws-cdk-lib'].replace(/^\^/, ''));
    expect(pkg.devDependencies.constructs).toBe(pkg.peerDependencies?.constructs.replace(/^\^/, ''));
  });
});

describe('API.md', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-api-md-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const check = (file?: string) =>
    spawnSync(process.execPath, [join(root, 'scripts', 'docgen.mjs'), '--check', ...(file ? ['--file', file] : [])], { cwd: root, encoding: 'utf8', timeout: 120_000 });

  it('is the reference jsii-docgen renders from the assembly', () => {
    readAssembly();
    const r = check();
    expect(`${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'API.md'), 'utf8')).toContain('### VideoWebhookIngestion');
  });

  it('fails the check, naming the line and the fix, when a copy has drifted from the API', () => {
    const stale = readFileSync(join(root, 'API.md'), 'utf8').replace('### VideoWebhookIngestion ', '### VideoWebhookIngest ');
    const file = join(work, 'API.md');
    writeFileSync(file, stale);
    const r = check(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/API\.md is out of date with the public API \(first difference at line \d+: "### VideoWebhookIngest .*run "npm run docgen" and commit API\.md/);
  });
});
