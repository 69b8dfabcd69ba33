/** Synthesia's status API: `GET https://api.synthesia.io/v2/videos/{id}` with `Authorization: <key>` (no "Bearer"). */
import { statusApi } from '../shared/status-api';
import { asStatus } from '../shared/results';
import { synthesiaManifest } from './manifest';
import { normalizeVideo, videoStatus } from './normalize';

export const synthesiaStatusApi = statusApi({
  defaultBaseUrl: synthesiaManifest.statusApiBaseUrl,
  path: (id) => `/v2/videos/${id}`,
  keyHeader: 'authorization',
  parse(jobId, body) {
    const status = videoStatus(body);
    if (!status) return { kind: 'invalid', reason: `unknown video status ${JSON.stringify(body.status)}`.slice(0, 120) };
    return asStatus(normalizeVideo(body, jobId, status, null, body));
  },
});
