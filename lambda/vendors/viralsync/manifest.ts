/** ViralSync render API, as plain data. Source: ../../../../shared/vendor-docs/viralsync-webhooks.txt. */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const viralsyncManifest = {
  kind: 'viralsync',
  title: 'ViralSync',
  builtIn: true,
  options: {
    type: 'object',
    properties: {
      signatureHeader: { type: 'string', default: 'x-render-signature' },
      // ViralSync documents no auth for its status API: the defaults are a guess, hence configurable.
      statusApiKeyHeader: { type: 'string', default: 'authorization' },
      statusApiKeyPrefix: { type: 'string', allowEmpty: true, default: 'Bearer ' },
    },
  },
  pollerOnlyOptions: ['statusApiKeyHeader', 'statusApiKeyPrefix'],
  pollRequestsPerMinute: 60,
  // GET /v1/jobs/{jobId}; its base URL is not public.
  statusApi: 'base-url',
  local: localVariables('VIRALSYNC'),
  sampleEvents: ['progress', 'completed', 'failed', 'cancelled'],
} as const satisfies VendorManifest;
