/**
 * ElevenLabs' status API, header `xi-api-key`: a language target,
 * `GET /v1/dubbing/project/{project_id}/language/{language_id}` (job id `<project_id>:<language_id>`),
 * or a dubbing of the older API, `GET /v1/dubbing/{dubbing_id}` (any other job id). Paths from npm
 * @elevenlabs/elevenlabs-js@2.73.0 (api/resources/dubbing/client/Client.js and its project client).
 */
import type { StatusRequestContext } from '../../core/adapter';
import { asStatus } from '../shared/results';
import { statusApi, statusRequest } from '../shared/status-api';
import { elevenlabsManifest } from './manifest';
import { JOB_ID_SEPARATOR, normalizeDubbing, normalizeLanguage } from './normalize';

const KEY = { keyHeader: 'xi-api-key' } as const;

const shared = statusApi({
  defaultBaseUrl: elevenlabsManifest.statusApiBaseUrl,
  path: (id) => `/v1/dubbing/${id}`,
  ...KEY,
  parse: (jobId, body) => (isLanguageJob(jobId) ? asStatus(normalizeLanguage(body, null, undefined, body)) : asStatus(normalizeDubbing(body, jobId))),
});

export const elevenlabsStatusApi = {
  ...shared,
  request(jobId: string, ctx: StatusRequestContext) {
    if (!isLanguageJob(jobId)) return shared.request(jobId, ctx);
    const [project, language] = jobId.split(JOB_ID_SEPARATOR);
    return statusRequest(KEY, ctx, `/v1/dubbing/project/${encodeURIComponent(project)}/language/${encodeURIComponent(language)}`, jobId);
  },
};

/** `<project_id>:<language_id>`, both parts present. */
function isLanguageJob(jobId: string): boolean {
  const parts = jobId.split(JOB_ID_SEPARATOR);
  return parts.length === 2 && parts.every((p) => p.length > 0);
}
