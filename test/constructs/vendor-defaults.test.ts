/**
 * The `@default` of every vendor option (lib/vendors/*.ts) is what leaving the option unset does,
 * as the vendor's manifest decides it: read from the jsii assembly (`.jsii`, the docs users see in
 * API.md and Construct Hub), each documented default is passed explicitly to its `Vendor.<vendor>()`
 * factory, and the adapter's options (with the manifest's defaults filled in) and the poller's
 * settings must come out the same as without it. The "Defaults of the shared options" line of each
 * vendor's options (its id, poll rate and status base URL) is checked against its manifest. Nothing
 * is copied into the test: a default written down differently from the manifest fails it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { OptionSpec } from '../../lambda/contract/options';
import { registry } from '../../lambda/vendors/registry';
import { Vendor, WebhookAuth } from '../../lib';

const root = join(__dirname, '..', '..');
const ASSEMBLY = 'cdk-video-webhooks';

interface TypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly union?: { readonly types: readonly TypeRef[] };
  readonly collection?: { readonly kind: 'map' | 'array'; readonly elementtype: TypeRef };
}
interface Property {
  readonly name: string;
  readonly optional?: boolean;
  readonly type: TypeRef;
  readonly docs?: { readonly default?: string };
}
interface JsiiType {
  readonly kind: string;
  readonly datatype?: boolean;
  readonly interfaces?: readonly string[];
  readonly properties?: readonly Property[];
  readonly methods?: ReadonlyArray<{ readonly name: string; readonly static?: boolean; readonly parameters?: ReadonlyArray<{ readonly type: TypeRef }> }>;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
  readonly locationInModule?: { readonly filename: string };
}

const assemblyFile = join(root, '.jsii');
if (!existsSync(assemblyFile)) throw new Error('.jsii is missing: run "npm run build" first (it compiles lib/ with jsii)');
const types = (JSON.parse(readFileSync(assemblyFile, 'utf8')) as { types: Record<string, JsiiType> }).types;

const stack = new Stack(new App(), 'Defaults');
const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'webhook');

/** A struct's properties, its bases' included. */
function propertiesOf(fqn: string): Property[] {
  const type = types[fqn];
  return [...(type.interfaces ?? []).flatMap(propertiesOf), ...(type.properties ?? [])];
}

/** The least value of a type: what a required option is given, so that the factory accepts the options. */
function leastValue(type: TypeRef): unknown {
  if (type.primitive === 'string') return 'acme';
  if (type.union) return leastValue(type.union.types[0]);
  if (type.collection?.kind === 'map') return {};
  if (type.fqn === 'aws-cdk-lib.aws_secretsmanager.ISecret') return secret;
  if (type.fqn === `${ASSEMBLY}.WebhookAuth`) return WebhookAuth.bearer();
  if (type.fqn && types[type.fqn]?.datatype) {
    // A custom vendor's webhook secret is optional only with WebhookAuth.pollOnly(): the bearer auth above needs it.
    return Object.fromEntries(propertiesOf(type.fqn).filter((p) => !p.optional || p.name === 'webhookSecret').map((p) => [p.name, leastValue(p.type)]));
  }
  throw new Error(`no least value for ${JSON.stringify(type)}: extend this test`);
}

/** A documented default as a value: `Duration.seconds(300)`, `'x'`, `['a', 'b']`, `false`, `300`. */
function valueOf(text: string): unknown {
  const duration = /^Duration\.(millis|seconds|minutes|hours|days)\((\d+)\)$/.exec(text);
  if (duration) return Duration[duration[1] as 'seconds'](Number(duration[2]));
  return JSON.parse(text.replace(/'/g, '"'));
}

interface DocumentedDefault {
  readonly factory: string;
  readonly path: readonly string[];
  readonly text: string;
}

/** Every literal `@default` of the options of every factory, with where it sits in the options. */
function documentedDefaults(factory: string, fqn: string, path: readonly string[] = []): DocumentedDefault[] {
  return propertiesOf(fqn).flatMap((p) => {
    const nested = p.type.fqn && types[p.type.fqn]?.datatype ? documentedDefaults(factory, p.type.fqn, [...path, p.name]) : [];
    const text = p.docs?.default;
    return text === undefined || text.startsWith('-') ? nested : [{ factory, path: [...path, p.name], text }, ...nested];
  });
}

const factories = (types[`${ASSEMBLY}.Vendor`].methods ?? []).filter((m) => m.static).map((m) => ({ name: m.name, options: m.parameters![0].type.fqn! }));
const defaults = factories.flatMap((f) => documentedDefaults(f.name, f.options));

function build(factory: string, options: object): Vendor {
  return (Vendor as unknown as Record<string, (options: object) => Vendor>)[factory](options);
}

function withValueAt(options: Record<string, unknown>, [name, ...rest]: readonly string[], value: unknown): Record<string, unknown> {
  return { ...options, [name]: rest.length === 0 ? value : withValueAt((options[name] ?? {}) as Record<string, unknown>, rest, value) };
}

/** `value` with every default of `spec` filled in, at any depth: what the adapter ends up with. */
function filled(spec: OptionSpec, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const object = spec.type === 'variant' ? spec.variants[(value as Record<string, string>)[spec.tag]] : spec.type === 'object' ? spec : undefined;
  if (!object) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, s] of Object.entries(object.properties)) {
    if (out[name] === undefined && 'default' in s && s.default !== undefined) out[name] = s.default;
    if (out[name] !== undefined) out[name] = filled(s, out[name]);
  }
  return out;
}

/** What the vendor is to the adapter and the poller, the manifest's defaults filled in. */
function effective(vendor: Vendor): unknown {
  const config = vendor._pollerConfig();
  const manifest = registry.module(vendor.kind)!.manifest;
  return { ...config, vendor: { ...config.vendor, options: filled(manifest.options, config.vendor.options) } };
}

describe("the vendors' documented defaults", () => {
  it('are read from the assembly: every factory, and the defaults of its options at any depth', () => {
    expect(factories.map((f) => f.name).sort()).toEqual(['custom', 'elevenlabs', 'fal', 'heygen', 'lipdub', 'luma', 'mux', 'replicate', 'runway', 'standardWebhooks', 'sync', 'synthesia', 'tavus', 'viralsync']);
    expect(defaults.length).toBeGreaterThan(15);
    for (const f of factories) expect(types[f.options].locationInModule?.filename).toMatch(/^lib\/vendors\//);
  });

  it.each(defaults.map((d) => [`Vendor.${d.factory}({ ${d.path.join('.')}: ${d.text} })`, d] as const))('%s is what leaving it unset does', (_name, d) => {
    const options = leastValue({ fqn: factories.find((f) => f.name === d.factory)!.options }) as Record<string, unknown>;
    expect(effective(build(d.factory, withValueAt(options, d.path, valueOf(d.text))))).toEqual(effective(build(d.factory, options)));
  });

  it.each(factories.map((f) => [f.name, f] as const))('of the shared options are stated for Vendor.%s, as its manifest has them', (_name, f) => {
    const docs = `${types[f.options].docs?.summary ?? ''}\n${types[f.options].docs?.remarks ?? ''}`;
    const line = /Defaults of the shared options: (.*)$/m.exec(docs)?.[1];
    expect({ options: f.options, line: line !== undefined }).toEqual({ options: f.options, line: true });
    const stated = Object.fromEntries([...line!.matchAll(/`(\w+)` ('[^']*'|\d+|none)/g)].map(([, name, value]) => [name, value === 'none' ? undefined : valueOf(value)]));
    const vendor = build(f.name, leastValue({ fqn: f.options }) as object);
    const manifest = registry.module(vendor.kind)!.manifest;
    const idOptional = propertiesOf(f.options).find((p) => p.name === 'id')?.optional === true;
    expect(stated).toEqual({
      ...(idOptional ? { id: vendor.id } : {}),
      pollRequestsPerMinute: vendor.pollRequestsPerMinute,
      statusApiBaseUrl: manifest.statusApiBaseUrl,
    });
  });
});
