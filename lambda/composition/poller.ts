/**
 * Builds the poller from the environment the construct sets (lambda/contract/deployment.ts `ENV`),
 * with the ports passed in: the Lambda composition root passes AWS clients, tests their own.
 */
import { DEFAULTS, ENV, type PollerVendorConfig, type VendorRuntimeConfig } from '../contract/deployment';
import type { VendorStatusApi } from '../core/adapter';
import type { DeliveryConfig } from '../core/delivery';
import type { Clock, EventQueue, JobStore, RequestArchive, SecretSource, Telemetry } from '../core/ports';
import { DEFAULT_POLLER_SETTINGS, type PollerDeps, type PollerVendor } from '../poller/poller';
import { VendorRateLimiter } from '../poller/rate-limiter';
import { StatusClient } from '../poller/status-client';
import { configFromEnv } from './config-file';
import { deliveryConfigFromEnv, envNumber } from './env';

/** Stop this long before the Lambda's own timeout, unless `VW_POLL_SAFETY_MARGIN_MS` says otherwise. */
export const DEFAULT_POLL_SAFETY_MARGIN_MS = 10_000;

export interface PollerPorts {
  readonly createAdapter: (config: VendorRuntimeConfig) => { readonly statusApi: VendorStatusApi | undefined };
  readonly store: JobStore;
  readonly queue: EventQueue;
  /** Where status-API keys are read (by secret ARN); the first value is the key. */
  readonly secrets: SecretSource;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** @default a StatusClient (node:http and node:https, capped after decoding) with the clock's time */
  readonly statusClient?: StatusClient;
  /** Where status answers are archived. @default - nothing is archived */
  readonly archive?: RequestArchive;
}

export interface PollerFromEnv {
  readonly deps: PollerDeps;
  readonly safetyMarginMs: number;
  /** Every vendor of the deployment, polled or not (the quarantine replay normalizes for all). */
  readonly vendorConfigs: readonly VendorRuntimeConfig[];
}

export function pollerFromEnv(env: NodeJS.ProcessEnv, ports: PollerPorts, codeDir = process.env.LAMBDA_TASK_ROOT ?? __dirname): PollerFromEnv {
  const configs = parseVendors(env, codeDir);
  const concurrency = Math.max(1, Math.floor(envNumber(env[ENV.POLL_CONCURRENCY], DEFAULTS.pollConcurrency)));
  return {
    deps: buildPoller(configs, ports, deliveryConfigFromEnv(env), concurrency),
    safetyMarginMs: envNumber(env[ENV.POLL_SAFETY_MARGIN_MS], DEFAULT_POLL_SAFETY_MARGIN_MS),
    vendorConfigs: configs.map((c) => c.vendor),
  };
}

/** The poller of `configs` on `ports`: what the Lambda and the dev server both run. */
export function buildPoller(configs: readonly PollerVendorConfig[], ports: PollerPorts, config: DeliveryConfig, concurrency: number): PollerDeps {
  return {
    store: ports.store,
    queue: ports.queue,
    clock: ports.clock,
    telemetry: ports.telemetry,
    config,
    vendors: configs.map((c) => pollerVendor(c, ports)),
    limiter: new VendorRateLimiter(ports.clock),
    statusClient: ports.statusClient ?? new StatusClient({ now: () => ports.clock.now() }),
    settings: { ...DEFAULT_POLLER_SETTINGS, concurrency },
    ...(ports.archive ? { archive: ports.archive } : {}),
  };
}

function pollerVendor(c: PollerVendorConfig, ports: PollerPorts): PollerVendor {
  const statusApi = c.pollingEnabled ? ports.createAdapter(c.vendor).statusApi : undefined;
  if (statusApi && !(c.requestsPerMinute > 0)) {
    throw new Error(`poller vendors: vendor ${c.vendor.id} has requestsPerMinute ${c.requestsPerMinute}; it must be a positive number`);
  }
  const secretArn = c.apiKeySecretArn;
  return {
    id: c.vendor.id,
    statusApi,
    baseUrl: c.statusApiBaseUrl,
    apiKey: async () => (secretArn ? (await ports.secrets.get(secretArn, c.vendor.id))[0] : undefined),
    requestsPerMinute: c.requestsPerMinute,
    requestTimeoutMs: c.requestTimeoutMs > 0 ? c.requestTimeoutMs : 10_000,
    allowInsecureStatusApi: c.allowInsecureStatusApi === true,
    ...(c.pollIntervalMs !== undefined && c.pollIntervalMs > 0 ? { pollIntervalMs: c.pollIntervalMs } : {}),
  };
}

function parseVendors(env: NodeJS.ProcessEnv, codeDir: string): PollerVendorConfig[] {
  const { value, from } = configFromEnv(env, { file: ENV.POLLER_VENDORS_FILE, inline: ENV.POLLER_VENDORS, expected: 'a JSON array of PollerVendorConfig' }, codeDir);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && typeof (v as PollerVendorConfig).vendor?.id === 'string')) {
    throw new Error(`${from} must be a JSON array of PollerVendorConfig, each with vendor.id`);
  }
  return value as PollerVendorConfig[];
}
