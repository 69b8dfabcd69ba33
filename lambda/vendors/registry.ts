/**
 * The vendors of this runtime, from the vendor list (./index.ts): adapters by kind, with their
 * options checked against the kind's manifest first, and the built-in vendors local tooling serves.
 * `vendorRegistry(list)` builds the same from another list (a test vendor, a fork's own).
 */
import type { AdapterPorts, VendorAdapter } from '../core/adapter';
import type { SampleEvent, VendorManifest, VendorReports } from '../contract/manifest';
import type { VendorRuntimeConfig } from '../contract/deployment';
import { optionsProblem } from '../contract/options';
import { VENDORS } from './index';
import type { VendorModule, VendorSamples } from './module';

export interface VendorRegistry {
  /** Every vendor module, in list order. */
  readonly modules: readonly VendorModule[];
  /** The built-in vendors (their id is their kind), in list order. */
  readonly builtIns: readonly BuiltInVendor[];
  /**
   * The adapter for a configured vendor, with the ports the composition root gives (the verifiers'
   * public-key source). Throws, saying what to fix, for an unknown kind or a bad option.
   */
  createAdapter(config: VendorRuntimeConfig, ports?: AdapterPorts): VendorAdapter;
  /** The module of a kind, or undefined. */
  module(kind: string): VendorModule | undefined;
  /** The built-in vendor with that id, or undefined. */
  builtIn(id: string): BuiltInVendor | undefined;
}

/** A built-in vendor as local tooling sees it. */
export interface BuiltInVendor {
  readonly id: string;
  readonly manifest: VendorManifest & { readonly local: NonNullable<VendorManifest['local']> };
  readonly samples: VendorSamples | undefined;
  readonly sampleEvents: readonly SampleEvent[];
  /** How it reports: `webhook` (a sample becomes an event), `hint` (a sample is a callback the status API answers), `poll` (no webhooks). */
  readonly reports: VendorReports;
}

export function vendorRegistry(modules: readonly VendorModule[]): VendorRegistry {
  const byKind = new Map(modules.map((m) => [m.manifest.kind, m]));
  const builtIns: BuiltInVendor[] = modules
    .filter((m) => m.manifest.builtIn && m.manifest.local)
    .map((m) => ({ id: m.manifest.kind, manifest: m.manifest as BuiltInVendor['manifest'], samples: m.samples, sampleEvents: m.manifest.sampleEvents ?? [], reports: reportsOf(m.manifest) }));
  const builtInById = new Map(builtIns.map((b) => [b.id, b]));
  return {
    modules,
    builtIns,
    module: (kind) => byKind.get(kind),
    builtIn: (id) => builtInById.get(id),
    createAdapter(config, ports = {}) {
      const module = typeof config.kind === 'string' ? byKind.get(config.kind) : undefined;
      if (!module) throw new Error(`unknown vendor kind ${JSON.stringify(config.kind)}: use one of ${[...byKind.keys()].join(', ')}`);
      const problem = optionsProblem(module.manifest.options, config.options ?? {});
      if (problem) throw new Error(`vendor ${config.id}: ${problem}`);
      return module.createAdapter({ ...config.options }, config.id, ports);
    },
  };
}

function reportsOf(manifest: VendorManifest): VendorReports {
  return manifest.reports === undefined || manifest.reports === 'options' ? 'webhook' : manifest.reports;
}

/** This runtime's vendors. */
export const registry = vendorRegistry(VENDORS);

export const createAdapter = (config: VendorRuntimeConfig, ports?: AdapterPorts): VendorAdapter => registry.createAdapter(config, ports);

/** The ids of this runtime's built-in vendors, in list order. */
export const BUILT_IN_VENDOR_IDS: readonly string[] = registry.builtIns.map((b) => b.id);

export function isBuiltInVendor(id: string): boolean {
  return registry.builtIn(id) !== undefined;
}
