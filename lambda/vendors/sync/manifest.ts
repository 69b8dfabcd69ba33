/** Sync (sync.so), as plain data. Sources: ../../../../shared/VENDORS.md ("Sync"). */
import { localVariables, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

export const syncManifest = {
  kind: 'sync',
  title: 'Sync (sync.so)',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      timestampToleranceSeconds: SECONDS,
      compactJsonFallback: { type: 'boolean', default: false },
    },
  },
  // Sync documents no tolerance; 300 s is the common choice.
  timestampToleranceSeconds: 300,
  // Sync's documented read limit is about 600/min.
  pollRequestsPerMinute: 300,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.sync.so',
  local: localVariables('SYNC'),
  // Sync sends only final statuses by webhook.
  sampleEvents: ['completed', 'failed', 'cancelled'],
} as const satisfies VendorManifest;
