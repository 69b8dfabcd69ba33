/**
 * The language bindings Construct Hub and the registries would get: jsii-pacmak generates the
 * source of the Python, Java, .NET and Go packages from the assembly (code only: PyPI, Maven
 * Central, NuGet and the Go module proxy are out of reach here, and so are the jsii runtimes each
 * package depends on). What can be checked without them is: every type of the assembly has its
 * code in each language, each package embeds the npm tarball its jsii runtime loads, the Python
 * compiles (`python3 -m py_compile`), and the Java parses (javac's parser, from the JDK; types are
 * not checked, the jars they need come from Maven Central). The .NET and Go sources are not compiled
 * (no dotnet or go toolchain here). A missing python3 or JDK skips its test, saying so.
 * Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const TARGETS = ['python', 'java', 'dotnet', 'go'] as const;

interface Assembly {
  readonly name: string;
  readonly version: string;
  readonly types: Record<string, { readonly kind: string; readonly name: string }>;
}

function has(command: string, args: string[]): boolean {
  return spawnSync(command, args, { encoding: 'utf8' }).status === 0;
}
const hasPython = has('python3', ['--version']);
const hasJdk = has('javac', ['-version']);

/** Every file under dir (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * A javac front end that only parses: every file's syntax is checked (JavacTask.parse), no symbol is
 * resolved, so the jsii runtime and aws-cdk-lib jars are not needed. Prints each syntax error.
 */
const PARSE_ONLY_JAVA = `
import com.sun.source.util.JavacTask;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.tools.*;

public class ParseOnly {
  public static void main(String[] args) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null);
    List<File> sources = new ArrayList<>();
    for (String arg : args) sources.add(new File(arg));
    JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, List.of("-proc:none"), null, files.getJavaFileObjectsFromFiles(sources));
    int units = 0;
    for (var unit : task.parse()) units++;
    int errors = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) { errors++; System.err.println(d); }
    }
    System.out.println(units + " parsed, " + errors + " with errors");
    System.exit(errors == 0 ? 0 : 1);
  }
}
`;

describe('jsii-pacmak', () => {
  const work = mkdtempSync(join(tmpdir(), 'vw-pacmak-'));
  const out = join(work, 'dist');
  let assembly: Assembly;
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(() => {
    if (!existsSync(join(root, '.jsii'))) throw new Error('.jsii is missing: run "npm run build" before this test');
    assembly = JSON.parse(readFileSync(join(root, '.jsii'), 'utf8')) as Assembly;
    const started = Date.now();
    const pacmak = join(root, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak');
    const r = spawnSync(process.execPath, [pacmak, '--code-only', '--targets', ...TARGETS, '--outdir', out, '--no-npmignore', '--no-fingerprint', '--force'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], JSII_SUPPRESS_UPGRADE_PROMPT: '1' },
    });
    if (r.status !== 0) throw new Error(`jsii-pacmak failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    console.log(`jsii-pacmak --code-only (${TARGETS.join(', ')}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);

  it('writes every type of the assembly in Python, Java, C# and Go', () => {
    const names = Object.values(assembly.types).map((t) => t.name).sort();
    const python = readFileSync(join(out, 'python', 'src', 'cdk_video_webhooks', '__init__.py'), 'utf8');
    const java = filesUnder(join(out, 'java', 'src', 'main', 'java', 'io', 'github', 'cdkvideowebhooks'));
    const dotnet = filesUnder(join(out, 'dotnet', 'CdkVideoWebhooks', 'CdkVideoWebhooks'));
    const go = filesUnder(join(out, 'go', 'cdkvideowebhooks'));
    // Python: one class per type (interfaces of data are classes there too).
    expect(names.filter((n) => !new RegExp(`^class ${n}\\b`, 'm').test(python))).toEqual([]);
    expect(names.filter((n) => !java.includes(`${n}.java`))).toEqual([]);
    // .NET: a data interface X becomes the interface IX and the class X.
    expect(names.filter((n) => !dotnet.includes(`${n}.cs`))).toEqual([]);
    expect(names.filter((n) => !go.includes(`${n}.go`))).toEqual([]);
    expect(readFileSync(join(out, 'go', 'cdkvideowebhooks', 'go.mod'), 'utf8')).toMatch(/^module github\.com\/cdk-video-webhooks\/cdk-video-webhooks-go\/cdkvideowebhooks$/m);
    expect(readFileSync(join(out, 'java', 'pom.xml'), 'utf8')).toMatch(/<groupId>io\.github\.cdk-video-webhooks<\/groupId>\s*<artifactId>cdk-video-webhooks<\/artifactId>/);
  });

  it('embeds in each package the npm tarball its jsii runtime loads, with the assembly and dist/lib in it', () => {
    const tarballs = TARGETS.map((t) => filesUnder(join(out, t)).filter((f) => f.endsWith('.tgz')).map((f) => join(out, t, f)));
    expect(tarballs.map((t) => t.length)).toEqual([1, 1, 1, 1]);
    const listing = spawnSync('tar', ['-tzf', tarballs[0][0]], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/.jsii', 'package/package.json', 'package/dist/lib/index.js', 'package/assets/verifier/index.js']));
    // Nothing is bundled: the constructs need no npm package but the peers, which each language's package depends on.
    expect(listing.filter((f) => f.startsWith('package/node_modules/'))).toEqual([]);
  });

  (hasPython ? it : it.skip)('generates Python that compiles (python3 -m py_compile on every .py)', () => {
    const pyFiles = filesUnder(join(out, 'python')).filter((f) => f.endsWith('.py')).map((f) => join(out, 'python', f));
    expect(pyFiles.length).toBeGreaterThanOrEqual(3); // __init__.py, _jsii/__init__.py, setup.py
    const r = spawnSync('python3', ['-m', 'py_compile', ...pyFiles], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: join(work, 'pycache') } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  (hasJdk ? it : it.skip)("generates Java that javac's parser accepts (syntax only: the jsii runtime and aws-cdk-lib jars are on Maven Central)", () => {
    const javaFiles = filesUnder(join(out, 'java')).filter((f) => f.endsWith('.java')).map((f) => join(out, 'java', f));
    const parser = join(work, 'ParseOnly.java');
    writeFileSync(parser, PARSE_ONLY_JAVA);
    const r = spawnSync('java', [parser, ...javaFiles], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout.trim() }).toEqual({ status: 0, stderr: '', stdout: `${javaFiles.length} parsed, 0 with errors` });
  });

  if (!hasPython) console.warn('python3 is not on PATH: the generated Python is not compiled (install Python 3 to run that test)');
  if (!hasJdk) console.warn('javac is not on PATH: the generated Java is not parsed (install a JDK, 11 or newer, to run that test)');
});
