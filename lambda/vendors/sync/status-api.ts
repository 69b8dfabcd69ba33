/** Sync's status API: `GET https://api.sync.so/v2/generate/{id}?include=progress` with `x-api-key`. */
import { statusApi } from '../shared/status-api';
import { asStatus } from '../shared/results';
import { normalizeGeneration } from './normalize';
import { syncManifest } from './manifest';

export const syncStatusApi = statusApi({
  defaultBaseUrl: syncManifest.statusApiBaseUrl,
  path: (id) => `/v2/generate/${id}?include=progress`,
  keyHeader: 'x-api-key',
  parse: (jobId, body) => asStatus(normalizeGeneration(body, jobId, null)),
});
