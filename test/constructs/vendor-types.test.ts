/**
 * lib and the manifests cannot drift apart: a vendor's lib file maps its options to its adapter's
 * with `vendorDefinition(manifest, options, {...})`, whose third argument is typed by the manifest's
 * option spec (`OptionsOf`, lambda/contract/options.ts). Shown with the TypeScript compiler on
 * deliberately wrong copies of the files, held in memory (the compiler host serves them in place
 * of the real ones, nothing is written): each gets the type error it should, and the real files
 * none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

/** The compiler options of tsconfig.json, for lib/ (no test types). */
const options: ts.CompilerOptions = (() => {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, types: ['node'], noEmit: true };
})();

let previous: ts.Program | undefined;

/**
 * The compiler's errors in `file` when the files in `changes` (path: [text, replacement]) read
 * with those replacements made. A replacement that finds nothing fails the test.
 */
function errorsIn(files: string | readonly string[], changes: Record<string, [string, string]> = {}): string[] {
  const roots = (typeof files === 'string' ? [files] : files).map((file) => join(root, file));
  const texts = new Map<string, string>();
  for (const [path, [from, to]] of Object.entries(changes)) {
    const text = readFileSync(join(root, path), 'utf8');
    if (!text.includes(from)) throw new Error(`${path} no longer has ${JSON.stringify(from)}: update this test`);
    texts.set(join(root, path), text.replace(from, to));
  }
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) =>
    texts.has(name) ? ts.createSourceFile(name, texts.get(name)!, language) : getSourceFile(name, language, onError, create);
  const program = ts.createProgram({ rootNames: roots, options, host, oldProgram: previous });
  previous = program;
  return roots
    .flatMap((file) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)))
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

jest.setTimeout(60_000);

describe("a vendor's lib mapping, typed by its manifest", () => {
  it('compiles as it is, every vendor file and WebhookAuth', () => {
    const files = readdirSync(join(root, 'lib', 'vendors')).map((name) => `lib/vendors/${name}`);
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(errorsIn([...files, 'lib/webhook-auth.ts'])).toEqual([]);
  });

  it('refuses an option the manifest does not list (misspelt in lib)', () => {
    const errors = errorsIn('lib/vendors/sync.ts', { 'lib/vendors/sync.ts': ['    compactJsonFallback: options.compactJsonFallback,', '    compactJSONFallback: options.compactJsonFallback,'] });
    expect(errors).toEqual([expect.stringMatching(/^TS2561: Object literal may only specify known properties, but 'compactJSONFallback' does not exist in type .*Did you mean to write 'compactJsonFallback'\?/)]);
  });

  it('refuses a value of another type than the manifest says', () => {
    const errors = errorsIn('lib/vendors/sync.ts', { 'lib/vendors/sync.ts': ['compactJsonFallback: options.compactJsonFallback,', 'compactJsonFallback: String(options.compactJsonFallback),'] });
    expect(errors).toEqual([expect.stringMatching(/^TS2322: Type 'string' is not assignable to type 'boolean \| undefined'/)]);
  });

  it('fails to compile when the manifest renames an option lib still sets', () => {
    const errors = errorsIn('lib/vendors/lipdub.ts', { 'lambda/vendors/lipdub/manifest.ts': ['errorFields:', 'failureFields:'] });
    expect(errors).toEqual([expect.stringMatching(/^TS2353: Object literal may only specify known properties, and 'errorFields' does not exist in type .*readonly failureFields\?: readonly string\[\]/)]);
  });

  it('fails to compile when the manifest changes the type of an option', () => {
    const errors = errorsIn('lib/vendors/viralsync.ts', { 'lambda/vendors/viralsync/manifest.ts': ["signatureHeader: { type: 'string', default: 'x-render-signature' }", 'signatureHeader: { type: \'strings\', default: [\'x-render-signature\'] }'] });
    expect(errors).toEqual([expect.stringMatching(/^TS2322: Type 'string \| undefined' is not assignable to type 'readonly string\[\] \| undefined'/)]);
  });

  it('fails to compile when a nested name drifts: a custom vendor path, an auth option', () => {
    expect(errorsIn('lib/vendors/custom.ts', { 'lambda/vendors/custom/manifest.ts': ["'outputUrl', 'progress'", "'outputURL', 'progress'"] })).toEqual([
      expect.stringMatching(/^TS2561: Object literal may only specify known properties, but 'outputUrl' does not exist in type .*Did you mean to write 'outputURL'\?/),
    ]);
    expect(errorsIn('lib/webhook-auth.ts', { 'lambda/vendors/custom/manifest.ts': ['signaturePrefix: { type', 'prefix: { type'] })).toEqual([
      expect.stringMatching(/^TS2353: Object literal may only specify known properties, and 'signaturePrefix' does not exist in type/),
    ]);
  });
});
