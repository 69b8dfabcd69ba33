/** Realistic ElevenLabs dubbing-language webhooks, signed as ElevenLabs signs them. */
import { randomBytes } from 'node:crypto';
import type { SampleEvent } from '../../contract/manifest';
import { signHmac } from '../shared/hmac';
import type { VendorSamples } from '../module';
import { elevenlabsScheme } from './adapter';
import { JOB_ID_SEPARATOR } from './normalize';

export const elevenlabsSamples: VendorSamples = {
  payload: (event, id, nowMs) => languageEvent(event, id, nowMs),
  sign: (body, secret, nowMs) => ({ 'content-type': 'application/json', ...signHmac(elevenlabsScheme(), body, secret, nowMs) }),
  jobId: (sequence) => {
    const part = () => randomBytes(10).toString('hex');
    return sequence === undefined ? `${part()}${JOB_ID_SEPARATOR}${part()}` : `proj${sequence}${JOB_ID_SEPARATOR}lang${sequence}`;
  },
  statusAnswer: (id) => {
    const [project, language] = id.split(JOB_ID_SEPARATOR);
    return language === undefined ? { dubbing_id: id, status: 'dubbing' } : { project_id: project, language_id: language, status: 'processing', target_language: 'es', revision: 1 };
  },
};

function languageEvent(event: SampleEvent, id: string, nowMs: number): Record<string, unknown> {
  const [project, language = 'lang'] = id.split(JOB_ID_SEPARATOR);
  const completed = event === 'completed';
  return {
    type: completed ? 'dubbing_language_completed' : 'dubbing_language_failed',
    event_timestamp: Math.floor(nowMs / 1000),
    data: {
      language_id: language,
      project_id: project,
      target_language: 'es',
      status: completed ? 'completed' : 'failed',
      model_id: 'dubbing_v2',
      revision: 1,
      output_revision: completed ? 1 : null,
      outputs: completed ? { lossless_audio: `https://storage.elevenlabs.io/dubbing/${project}/${language}/audio.flac?sig=x`, subtitles: `https://storage.elevenlabs.io/dubbing/${project}/${language}/subtitles.vtt?sig=x` } : null,
      error: completed ? null : { message_type: 'error', error: 'The source audio could not be transcribed' },
      created_at: new Date(nowMs - 300_000).toISOString(),
      updated_at: new Date(nowMs).toISOString(),
    },
  };
}
