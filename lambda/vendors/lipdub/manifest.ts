/** LipDub AI, as plain data. Sources: ../../../../shared/VENDORS.md ("LipDub AI"). */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const lipdubManifest = {
  kind: 'lipdub',
  title: 'LipDub AI',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      jobIdFields: { type: 'strings', default: ['generate_id', 'render_id', 'job_id', 'id'] },
      outputUrlFields: { type: 'strings', default: ['download_url', 'output_url', 'video_url'] },
      errorFields: { type: 'strings', default: ['failure_reason', 'error', 'message'] },
      emitUnknownEvents: { type: 'boolean', default: false },
    },
  },
  // LipDub documents no read limit; it asks to wait about 60 s after a 429.
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.lipdub.ai',
  local: localVariables('LIPDUB', 'LIPDUB_WEBHOOK_API_KEY'),
  // Render complete/failed and optional stage events; no cancel webhook.
  sampleEvents: ['progress', 'completed', 'failed'],
} as const satisfies VendorManifest;
