/**
 * The vendor registry: adding a vendor is one adapter file and one line here.
 */
import { unknownOptionProblem, type VENDOR_OPTION_NAMES, type VendorRuntimeConfig } from '../config';
import { genericAdapter, type GenericOptions } from './generic';
import { lipdubAdapter, type LipDubOptions } from './lipdub';
import { syncAdapter, type SyncOptions } from './sync';
import { synthesiaAdapter, type SynthesiaOptions } from './synthesia';
import type { VendorAdapter } from './types';
import { viralsyncAdapter, type ViralSyncOptions } from './viralsync';

const FACTORIES: Readonly<Record<VendorRuntimeConfig['kind'], (options: Record<string, unknown>, id: string) => VendorAdapter>> = {
  sync: (o, id) => syncAdapter(o, id),
  lipdub: (o, id) => lipdubAdapter(o, id),
  viralsync: (o, id) => viralsyncAdapter(o, id),
  synthesia: (o, id) => synthesiaAdapter(o, id),
  generic: (o, id) => genericAdapter(o as unknown as GenericOptions, id),
};

/** Compile-time: each kind's option names (config.ts) are exactly the keys of its options interface. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Names<K extends keyof typeof VENDOR_OPTION_NAMES> = (typeof VENDOR_OPTION_NAMES)[K][number];
export const OPTION_NAMES_MATCH_INTERFACES = { sync: true, lipdub: true, viralsync: true, synthesia: true, generic: true } as const satisfies {
  readonly sync: Same<keyof SyncOptions, Names<'sync'>>;
  readonly lipdub: Same<keyof LipDubOptions, Names<'lipdub'>>;
  readonly viralsync: Same<keyof ViralSyncOptions, Names<'viralsync'>>;
  readonly synthesia: Same<keyof SynthesiaOptions, Names<'synthesia'>>;
  readonly generic: Same<keyof GenericOptions, Names<'generic'>>;
};

/** The adapter for a configured vendor. Throws, saying what to fix, for an unknown kind or option. */
export function createAdapter(config: VendorRuntimeConfig): VendorAdapter {
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, config.kind) ? FACTORIES[config.kind] : undefined;
  if (!factory) throw new Error(`unknown vendor kind ${JSON.stringify(config.kind)}: use one of ${Object.keys(FACTORIES).join(', ')}`);
  const problem = unknownOptionProblem(config.kind, config.options ?? {});
  if (problem) throw new Error(`vendor ${config.id}: ${problem}`);
  return factory({ ...config.options }, config.id);
}

/** The built-in vendors, and the environment variables local tooling reads for them. */
export const BUILT_IN_VENDORS = {
  sync: { webhookSecretEnv: 'SYNC_WEBHOOK_SECRET', apiBaseUrlEnv: 'SYNC_API_BASE_URL', apiKeyEnv: 'SYNC_API_KEY' },
  lipdub: { webhookSecretEnv: 'LIPDUB_WEBHOOK_API_KEY', apiBaseUrlEnv: 'LIPDUB_API_BASE_URL', apiKeyEnv: 'LIPDUB_API_KEY' },
  viralsync: { webhookSecretEnv: 'VIRALSYNC_WEBHOOK_SECRET', apiBaseUrlEnv: 'VIRALSYNC_API_BASE_URL', apiKeyEnv: 'VIRALSYNC_API_KEY' },
  synthesia: { webhookSecretEnv: 'SYNTHESIA_WEBHOOK_SECRET', apiBaseUrlEnv: 'SYNTHESIA_API_BASE_URL', apiKeyEnv: 'SYNTHESIA_API_KEY' },
} as const;

export type BuiltInVendorId = keyof typeof BUILT_IN_VENDORS;

export const BUILT_IN_VENDOR_IDS = Object.keys(BUILT_IN_VENDORS) as BuiltInVendorId[];

export function isBuiltInVendor(id: string): id is BuiltInVendorId {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_VENDORS, id);
}
