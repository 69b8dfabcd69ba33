/**
 * The composition root of `video-webhooks dev`: the same core and adapters as the Lambda functions,
 * on the embedded emulators, with secrets and status-API settings from the environment. Every
 * per-vendor setting (secret variables, status APIs) comes from the vendor list, and for the
 * vendors of `--config` from their id (`<ID>_WEBHOOK_SECRET`, `<ID>_API_BASE_URL`, `<ID>_API_KEY`).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoJobStore } from '../../lambda/adapters/aws/dynamo-store';
import { JwksKeySource } from '../../lambda/adapters/http/jwks-source';
import { SqsEventQueue, SqsQuarantineQueue } from '../../lambda/adapters/aws/sqs-queue';
import type { Emulators } from '../strict-aws/emulators';
import { createJobTable, createQueues, type LocalQueueOptions, type LocalQueues } from '../strict-aws/resources';
import { EnvSecretSource } from '../adapters/secrets';
import { buildPoller } from '../../lambda/composition/poller';
import { deliveryConfig } from '../../lambda/composition/env';
import { DEFAULTS, type PollerVendorConfig, type VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { statusUrlTarget } from '../../lambda/contract/status-url';
import type { VendorAdapter } from '../../lambda/core/adapter';
import { silentTelemetry, systemClock, type RequestArchive } from '../../lambda/core/ports';
import type { WebhookDeps } from '../../lambda/core/webhook';
import type { PollerDeps } from '../../lambda/poller/poller';
import { JobRegistry } from '../../lambda/runtime/register-job';
import { registry as defaultRegistry, type VendorRegistry } from '../../lambda/vendors/registry';

export interface LocalSettings {
  readonly staleAfterSeconds?: number;
  /**
   * How often the local poller runs: a vendor polled at an interval (poll only) is asked at each
   * run, when that is more often than its own interval. @default its own interval
   */
  readonly pollIntervalSeconds?: number;
  /** Secrets, status-API base URLs and keys are read from here. */
  readonly env: NodeJS.ProcessEnv;
  /** @default the vendor list of this runtime */
  readonly vendors?: VendorRegistry;
  /** Vendors beside the built-in ones (`--config`), served at `/webhooks/<id>`. @default none */
  readonly configVendors?: readonly VendorRuntimeConfig[];
  /** The events queue's visibility timeout and receive count before the DLQ. */
  readonly queue?: LocalQueueOptions;
  /** Where authenticated requests (webhooks and status answers) are archived. @default - nothing is archived */
  readonly archive?: RequestArchive;
}

export interface LocalPipeline {
  readonly deps: WebhookDeps;
  readonly poller: PollerDeps;
  readonly jobs: JobRegistry;
  readonly queues: LocalQueues;
  readonly sqs: SQSClient;
}

/** Requests per minute the dev server's poller sends a local status API at most. */
const LOCAL_POLL_REQUESTS_PER_MINUTE = 600;
const TABLE = 'video-webhooks-jobs';

/** Creates the table and queues on the emulators and wires the pipeline on them. */
export async function wireLocalPipeline(emulators: Emulators, settings: LocalSettings): Promise<LocalPipeline> {
  const dynamo = emulators.dynamoClient();
  const sqs = emulators.sqsClient();
  await createJobTable(dynamo, TABLE);
  const queues = await createQueues(sqs, 'video-webhooks', settings.queue);
  const vendors = settings.vendors ?? defaultRegistry;
  const config = deliveryConfig({ staleAfterSeconds: settings.staleAfterSeconds });
  const served = [...vendors.builtIns.map((b): VendorRuntimeConfig => ({ id: b.id, kind: b.id, options: {} })), ...(settings.configVendors ?? [])];
  // A vendor's public keys (JWKS) may be served by a local stand-in: `<ID>_JWKS_URL` replaces its
  // URL, on loopback over plain http too (nothing else listens there for the dev server).
  const publicKeys = new JwksKeySource({ allowLoopback: true });
  const adapters = new Map<string, VendorAdapter>(served.map((v) => [v.id, vendors.createAdapter(v, { publicKeys, jwksUrl: settings.env[jwksUrlEnv(v.id)] || undefined })]));
  const store = new DynamoJobStore(dynamo, TABLE);
  const secrets = new EnvSecretSource(settings.env);
  const deps: WebhookDeps = {
    adapters,
    store,
    queue: new SqsEventQueue(sqs, queues.queueUrl),
    quarantine: new SqsQuarantineQueue(sqs, queues.quarantineQueueUrl),
    secrets,
    secretIdFor: (vendor) => webhookSecretEnv(vendor, vendors),
    // Local only: the caller is the developer, who needs the variable's name.
    notConfiguredAdvice: (vendor) => `set ${webhookSecretEnv(vendor, vendors)}`,
    clock: systemClock,
    telemetry: silentTelemetry,
    config,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    ...(settings.archive ? { archive: settings.archive } : {}),
  };
  const poller = buildPoller(localPollerConfigs(served, vendors, adapters, settings.env, settings.pollIntervalSeconds), { ...deps, createAdapter: (c) => adapters.get(c.id) ?? vendors.createAdapter(c) }, config, DEFAULTS.pollConcurrency);
  return { deps, poller, jobs: new JobRegistry(store, { staleAfterSeconds: settings.staleAfterSeconds }), queues, sqs };
}

/** The variable a vendor's webhook secret is read from: `SYNC_WEBHOOK_SECRET`, or `<ID>_WEBHOOK_SECRET`. */
export function webhookSecretEnv(vendor: string, vendors: VendorRegistry = defaultRegistry): string {
  return vendors.builtIn(vendor)?.manifest.local.webhookSecretEnv ?? `${envPrefix(vendor)}_WEBHOOK_SECRET`;
}

/**
 * Each vendor's status API, polled when its base URL or key variable is set. A status API on
 * loopback (a local stand-in, `http://127.0.0.1:4010`) is opted in explicitly
 * (`allowInsecureStatusApi`): on the developer's machine nothing else listens there for the poller,
 * and plain http to it never leaves the machine. Any other status API gets no such allowance: the
 * developer's real key never goes over plain http to another host.
 */
function localPollerConfigs(served: readonly VendorRuntimeConfig[], vendors: VendorRegistry, adapters: ReadonlyMap<string, VendorAdapter>, env: NodeJS.ProcessEnv, runSeconds: number | undefined): PollerVendorConfig[] {
  return served.map((vendor) => {
    const local = vendors.builtIn(vendor.id)?.manifest.local ?? { apiBaseUrlEnv: `${envPrefix(vendor.id)}_API_BASE_URL`, apiKeyEnv: `${envPrefix(vendor.id)}_API_KEY` };
    const baseUrl = env[local.apiBaseUrlEnv]?.replace(/\/+$/, '') || undefined;
    const statusApi = adapters.get(vendor.id)?.statusApi;
    const asked = baseUrl ?? statusApi?.defaultBaseUrl;
    const reports = adapters.get(vendor.id)?.reports;
    const own = vendors.builtIn(vendor.id)?.manifest.pollIntervalSeconds ?? (reports === 'poll' ? DEFAULTS.pollOnlyIntervalSeconds : undefined);
    const interval = own === undefined ? undefined : Math.min(own, runSeconds ?? own);
    return {
      vendor,
      ...(interval !== undefined ? { pollIntervalMs: interval * 1000 } : {}),
      // The key is read by variable name from the environment (EnvSecretSource).
      apiKeySecretArn: env[local.apiKeyEnv] ? local.apiKeyEnv : undefined,
      statusApiBaseUrl: baseUrl,
      requestsPerMinute: LOCAL_POLL_REQUESTS_PER_MINUTE,
      pollingEnabled: Boolean(statusApi && (baseUrl || env[local.apiKeyEnv]) && (baseUrl ?? statusApi.defaultBaseUrl)),
      requestTimeoutMs: 5_000,
      allowInsecureStatusApi: asked !== undefined && statusUrlTarget(asked)?.range === 'loopback',
    };
  });
}

/** The variable that replaces a vendor's JWKS URL locally: `FAL_JWKS_URL`, `<ID>_JWKS_URL`. */
export function jwksUrlEnv(vendor: string): string {
  return `${envPrefix(vendor)}_JWKS_URL`;
}

/** `acme-video` → `ACME_VIDEO`: the prefix of a vendor's local variables. */
function envPrefix(vendor: string): string {
  return vendor.toUpperCase().replace(/-/g, '_');
}
