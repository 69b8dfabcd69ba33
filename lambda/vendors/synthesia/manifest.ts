/** Synthesia, as plain data. Sources: ../../../../shared/VENDORS.md ("Synthesia"). */
import { localVariables, type VendorManifest } from '../../contract/manifest';
import { SECONDS } from '../../contract/options';

export const synthesiaManifest = {
  kind: 'synthesia',
  title: 'Synthesia',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      timestampToleranceSeconds: SECONDS,
    },
  },
  // Synthesia suggests ignoring events older than about 10 minutes.
  timestampToleranceSeconds: 600,
  // Synthesia's documented read limit is about 60-120/min.
  pollRequestsPerMinute: 50,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.synthesia.io',
  local: localVariables('SYNTHESIA'),
  // video.created (SDK notes), video.completed, video.failed.
  sampleEvents: ['created', 'completed', 'failed'],
} as const satisfies VendorManifest;
