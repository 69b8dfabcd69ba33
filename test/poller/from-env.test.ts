import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRecord } from '../../lambda/core/delivery';
import { ENV, type PollerVendorConfig, type VendorRuntimeConfig } from '../../lambda/contract/deployment';
import { MemoryEventQueue, MemoryJobStore } from '../../local/adapters/memory';
import { silentTelemetry } from '../../lambda/core/ports';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { DEFAULT_POLL_SAFETY_MARGIN_MS, pollerFromEnv } from '../../lambda/composition/poller';
import { pollOnce } from '../../lambda/poller/poller';
import { ManualClock } from '../support/emulators';
import { localSync } from './local-apis';
import { startFakeVendor } from './support';

const vendor = (id: string, kind: VendorRuntimeConfig['kind'] = 'sync'): VendorRuntimeConfig => ({ id, kind, options: {} });

function env(vendors: PollerVendorConfig[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { [ENV.POLLER_VENDORS]: JSON.stringify(vendors), ...extra };
}

describe('pollerFromEnv', () => {
  const ports = () => ({
    createAdapter: () => ({ statusApi: localSync }),
    store: new MemoryJobStore(),
    queue: new MemoryEventQueue(),
    secrets: new StaticSecretSource({ 'arn:sync-key': ['first-key', 'second-key'] }),
    clock: new ManualClock(),
    telemetry: silentTelemetry,
  });
  const syncConfig: PollerVendorConfig = {
    vendor: vendor('sync'),
    apiKeySecretArn: 'arn:sync-key',
    statusApiBaseUrl: 'https://sync.example',
    requestsPerMinute: 300,
    pollingEnabled: true,
    requestTimeoutMs: 4000,
  };

  it('builds the vendors, the delivery settings and the run settings from the environment', async () => {
    const { deps, safetyMarginMs } = pollerFromEnv(
      env([syncConfig, { ...syncConfig, vendor: vendor('quiet', 'generic'), pollingEnabled: false, apiKeySecretArn: undefined }], {
        [ENV.STALE_AFTER_SECONDS]: '120',
        [ENV.GIVE_UP_AFTER_SECONDS]: '3600',
        [ENV.POLL_CONCURRENCY]: '3',
        [ENV.POLL_SAFETY_MARGIN_MS]: '2500',
      }),
      ports(),
    );
    expect(safetyMarginMs).toBe(2500);
    expect(deps.settings.concurrency).toBe(3);
    expect(deps.config).toMatchObject({ staleAfterMs: 120_000, giveUpAfterMs: 3600_000 });
    expect(deps.vendors.map((v) => [v.id, v.statusApi !== undefined, v.baseUrl, v.requestsPerMinute, v.requestTimeoutMs])).toEqual([
      ['sync', true, 'https://sync.example', 300, 4000],
      ['quiet', false, 'https://sync.example', 300, 4000],
    ]);
    expect(await deps.vendors[0].apiKey()).toBe('first-key'); // the first value of the secret
    expect(await deps.vendors[1].apiKey()).toBeUndefined();
  });

  it('uses the library defaults when the optional variables are absent', () => {
    const { deps, safetyMarginMs } = pollerFromEnv(env([syncConfig]), ports());
    expect(safetyMarginMs).toBe(DEFAULT_POLL_SAFETY_MARGIN_MS);
    expect(deps.settings.concurrency).toBe(8);
    expect(deps.config).toMatchObject({ staleAfterMs: 600_000, giveUpAfterMs: 48 * 3600_000 });
  });

  it('reads the vendors from the file beside the code, with deploy-time values from the variables it names', () => {
    const codeDir = mkdtempSync(join(tmpdir(), 'vw-poller-code-'));
    try {
      const inFile = [{ ...syncConfig, apiKeySecretArn: { $env: 'VW_POLLER_VALUE_0' }, requestsPerMinute: { $env: 'VW_POLLER_VALUE_1', number: true } }];
      writeFileSync(join(codeDir, 'poller-vendors.json'), JSON.stringify(inFile));
      const fromFile = { [ENV.POLLER_VENDORS_FILE]: 'poller-vendors.json', VW_POLLER_VALUE_0: 'arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf', VW_POLLER_VALUE_1: '120' };
      const { deps } = pollerFromEnv(fromFile, ports(), codeDir);
      expect(deps.vendors.map((v) => [v.id, v.requestsPerMinute])).toEqual([['sync', 120]]);
      expect(() => pollerFromEnv({ [ENV.POLLER_VENDORS_FILE]: 'poller-vendors.json' }, ports(), codeDir)).toThrow(
        'environment variable VW_POLLER_VALUE_0 is not set: the configuration file refers to it',
      );
      expect(() => pollerFromEnv({ [ENV.POLLER_VENDORS_FILE]: 'missing.json' }, ports(), codeDir)).toThrow(`${ENV.POLLER_VENDORS_FILE} names ${join(codeDir, 'missing.json')}, which cannot be read`);
    } finally {
      rmSync(codeDir, { recursive: true, force: true });
    }
  });

  it('explains a missing or malformed vendor list and a bad rate', () => {
    expect(() => pollerFromEnv({}, ports())).toThrow(`environment variable ${ENV.POLLER_VENDORS} is not set`);
    expect(() => pollerFromEnv({ [ENV.POLLER_VENDORS]: '{' }, ports())).toThrow(`${ENV.POLLER_VENDORS} is not JSON`);
    expect(() => pollerFromEnv({ [ENV.POLLER_VENDORS]: '[{}]' }, ports())).toThrow('each with vendor.id');
    expect(() => pollerFromEnv(env([{ ...syncConfig, requestsPerMinute: 0 }]), ports())).toThrow('vendor sync has requestsPerMinute 0');
  });

  it('runs a poll with what it built', async () => {
    const server = await startFakeVendor('sync', 'first-key');
    try {
      const p = ports();
      const clock = new ManualClock(Date.now());
      // The fake is on 127.0.0.1 over http: the configuration opts in, as the construct's allowInsecureStatusApi would.
      const { deps } = pollerFromEnv(env([{ ...syncConfig, statusApiBaseUrl: server.baseUrl, allowInsecureStatusApi: true }]), { ...p, clock });
      const now = clock.now();
      await p.store.put(newRecord('sync', 'g', now - 700_000, deps.config), null);
      server.jobs.set('g', { id: 'g', status: 'COMPLETED' });
      const summary = await pollOnce(deps, { deadlineMs: now + 10_000 });
      expect(summary).toMatchObject({ polled: 1, hits: 1 });
      expect(p.queue.events.map((e) => e.type)).toEqual(['video.job.succeeded']);
    } finally {
      await server.close();
    }
  });
});
