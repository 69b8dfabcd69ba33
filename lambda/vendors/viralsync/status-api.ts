/** ViralSync's status API: `GET {base}/v1/jobs/{jobId}`, same shape as the events; its base URL is not public. */
import { statusApi } from '../shared/status-api';
import { asStatus } from '../shared/results';
import { normalizeJob } from './normalize';

export function viralsyncStatusApi(keyHeader: string, keyPrefix: string) {
  return statusApi({
    defaultBaseUrl: undefined, // not public: the deployment sets it
    path: (id) => `/v1/jobs/${id}`,
    keyHeader,
    keyPrefix,
    parse: (jobId, body) => asStatus(normalizeJob(body, jobId)),
  });
}
