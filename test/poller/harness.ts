/** Wires a poller to the emulators (freshBackend) and to fake vendor servers. */
import type { DeliveryConfig } from '../../lambda/core/delivery';
import type { Clock, EventQueue, JobStore, Telemetry } from '../../lambda/core/ports';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { DEFAULT_POLLER_SETTINGS, type PollerDeps, type PollerSettings, type PollerVendor } from '../../lambda/poller/poller';
import { VendorRateLimiter } from '../../lambda/poller/rate-limiter';
import { StatusClient } from '../../lambda/poller/status-client';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { createAdapter } from '../../lambda/vendors/registry';
import type { VendorStatusApi } from '../../lambda/core/adapter';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';
import type { FakeVendor, FakeVendorServer } from './support';

export const STALE_MS = TEST_DELIVERY_CONFIG.staleAfterMs;
export const GIVE_UP_MS = TEST_DELIVERY_CONFIG.giveUpAfterMs;

/** The status API the poller uses for a vendor: the real adapter's, with default options. */
export function statusApiFor(vendor: FakeVendor): VendorStatusApi {
  const api = createAdapter({ id: vendor, kind: vendor, options: {} }).statusApi;
  if (!api) throw new Error(`the ${vendor} adapter has no status API`);
  return api;
}

export interface HarnessVendor {
  /** The fake status API: its vendor, base URL and key are what the poller is given. */
  readonly server: Pick<FakeVendorServer, 'vendor' | 'baseUrl' | 'apiKey'>;
  /** The vendor id of the lane. @default the server's vendor */
  readonly id?: string;
  readonly requestsPerMinute?: number;
  readonly burst?: number;
  readonly requestTimeoutMs?: number;
  readonly apiKey?: string;
  readonly statusApi?: VendorStatusApi | null;
  /**
   * The fake status APIs listen on 127.0.0.1 over http: a vendor asks them only with this opt-in,
   * which every harness vendor gives unless told otherwise. @default true
   */
  readonly allowInsecureStatusApi?: boolean;
}

export interface HarnessOptions {
  readonly store: JobStore;
  readonly queue: EventQueue;
  readonly clock: Clock;
  readonly vendors: readonly HarnessVendor[];
  readonly telemetry?: Telemetry;
  readonly settings?: Partial<PollerSettings>;
  readonly config?: Partial<DeliveryConfig>;
  readonly limiter?: VendorRateLimiter;
}

export function pollerDeps(options: HarnessOptions): PollerDeps & { telemetry: Telemetry } {
  const vendors: PollerVendor[] = options.vendors.map((v) => ({
    id: v.id ?? v.server.vendor,
    statusApi: v.statusApi === null ? undefined : (v.statusApi ?? statusApiFor(v.server.vendor)),
    baseUrl: v.server.baseUrl,
    apiKey: async () => v.apiKey ?? v.server.apiKey,
    requestsPerMinute: v.requestsPerMinute ?? 6000,
    burst: v.burst,
    requestTimeoutMs: v.requestTimeoutMs ?? 2000,
    allowInsecureStatusApi: v.allowInsecureStatusApi ?? true,
  }));
  return {
    store: options.store,
    queue: options.queue,
    clock: options.clock,
    telemetry: options.telemetry ?? new CountingTelemetry(),
    config: { ...TEST_DELIVERY_CONFIG, ...options.config },
    vendors,
    limiter: options.limiter ?? new VendorRateLimiter(options.clock),
    statusClient: new StatusClient({ now: () => options.clock.now() }),
    settings: { ...DEFAULT_POLLER_SETTINGS, concurrency: 8, ...options.settings },
  };
}

export function registry(store: JobStore, clock: Clock): JobRegistry {
  return new JobRegistry(
    store,
    {
      staleAfterSeconds: TEST_DELIVERY_CONFIG.staleAfterMs / 1000,
      giveUpAfterSeconds: TEST_DELIVERY_CONFIG.giveUpAfterMs / 1000,
      dedupeWindowSeconds: TEST_DELIVERY_CONFIG.dedupeWindowMs / 1000,
    },
    clock,
  );
}
