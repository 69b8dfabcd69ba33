/**
 * Replicate's status API: `GET https://api.replicate.com/v1/predictions/{id}` with `Authorization:
 * Bearer <API token>` (npm replicate@1.4.0 index.js: base URL, header), answered with the same
 * prediction object as the webhook (https://replicate.com/docs/topics/webhooks/receive-webhook).
 * API predictions' outputs are removed after an hour (https://replicate.com/docs/topics/predictions/data-retention),
 * so a late poll can find `data_removed` and no output.
 */
import { asStatus } from '../shared/results';
import { statusApi } from '../shared/status-api';
import { replicateManifest } from './manifest';
import { normalizePrediction } from './normalize';

export const replicateStatusApi = statusApi({
  defaultBaseUrl: replicateManifest.statusApiBaseUrl,
  path: (id) => `/v1/predictions/${id}`,
  keyHeader: 'authorization',
  keyPrefix: 'Bearer ',
  parse: (jobId, body) => asStatus(normalizePrediction(body, jobId)),
});
