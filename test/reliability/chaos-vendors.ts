/**
 * Every built-in vendor as the chaos run simulates it: how it reports (signed webhooks, unsigned
 * callbacks, nothing), how it retries a delivery that failed, which final statuses both its
 * webhooks and its status API can say, and what its status API answers for a finished job. The
 * status answers (running, and each end) are written here from each vendor's documented API
 * (sources in its manifest), not taken from its samples, so an adapter and its own fixtures cannot
 * agree on a mistake.
 */
import type { SampleEvent } from '../../lambda/contract/manifest';
import { registry } from '../../lambda/vendors/registry';

export type Final = 'succeeded' | 'failed' | 'cancelled';

/** What a status API can say of a job: still running, or its end. */
export type ApiState = Final | 'running';

export const FINAL_EVENT: Record<Final, SampleEvent> = { succeeded: 'completed', failed: 'failed', cancelled: 'cancelled' };

/** What a fake status API answers for one request. */
export interface StatusReply {
  readonly status: number;
  readonly body: unknown;
}

export interface ChaosVendor {
  readonly id: string;
  readonly reports: 'webhook' | 'hint' | 'poll';
  /** Final statuses its webhooks (or callbacks) and its status API can both report. */
  readonly finals: readonly Final[];
  /** Delays of its retries after a non-2xx answer or a timeout; [] when it never retries. */
  readonly retryDelaysMs: readonly number[];
  /** Whether only its final webhook is retried. @default false */
  readonly retriesFinalOnly?: boolean;
  /** Adapter options the run needs (fal polls only with a model id). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Matches the path of a status request; the job id is the captures joined with ':'. */
  readonly route: RegExp;
  /** The status API's answer at `path` for `jobId`, still running or finished with that final status. */
  answer(jobId: string, state: ApiState, path: string): StatusReply;
}

const ok = (body: unknown): StatusReply => ({ status: 200, body });
const by = <T>(state: ApiState, values: Record<ApiState, T>): T => values[state];

export const CHAOS_VENDORS: readonly ChaosVendor[] = [
  {
    id: 'sync',
    reports: 'webhook',
    finals: ['succeeded', 'failed', 'cancelled'],
    retryDelaysMs: [], // never retried: a missed delivery is lost
    options: {},
    route: /^\/v2\/generate\/([^/]+)$/,
    answer: (id, f) => ok({ id, status: by(f, { running: 'PROCESSING', succeeded: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELED' }), outputUrl: f === 'succeeded' ? `https://sync/${id}.mp4` : null }),
  },
  {
    id: 'lipdub',
    reports: 'webhook',
    finals: ['succeeded', 'failed'], // no cancel webhook
    retryDelaysMs: [10_000, 60_000, 300_000], // 3 retries through their SQS FIFO (delays not documented)
    options: {},
    route: /^\/v1\/renders\/([^/]+)\/(?:status|download)$/,
    answer: (id, f, path) => (path.endsWith('/download') ? ok({ download_url: `https://lipdub/${id}.mp4` }) : ok({ status: by(f, { running: 'running', succeeded: 'finished', failed: 'failed', cancelled: 'failed' }), generate_id: Number(id) })),
  },
  {
    id: 'viralsync',
    reports: 'webhook',
    finals: ['succeeded', 'failed', 'cancelled'],
    retryDelaysMs: [5_000, 30_000, 300_000, 1_800_000, 7_200_000],
    options: {},
    route: /^\/v1\/jobs\/([^/]+)$/,
    answer: (jobId, f) => ok({ jobId, status: by(f, { running: 'running', succeeded: 'done', failed: 'failed', cancelled: 'cancelled' }), progress: f === 'running' ? 0.5 : 1 }),
  },
  {
    id: 'synthesia',
    reports: 'webhook',
    finals: ['succeeded', 'failed'], // no cancel webhook
    retryDelaysMs: [60_000, 300_000], // 2 retries within 10 minutes
    options: {},
    route: /^\/v2\/videos\/([^/]+)$/,
    answer: (id, f) => ok({ id, status: by(f, { running: 'in_progress', succeeded: 'complete', failed: 'error', cancelled: 'error' }) }),
  },
  {
    id: 'replicate',
    reports: 'webhook',
    finals: ['succeeded', 'failed', 'cancelled'],
    retryDelaysMs: [60_000, 120_000, 240_000, 480_000], // "several times on an exponential backoff"
    retriesFinalOnly: true, // "only the final webhook is retried"
    options: {},
    route: /^\/v1\/predictions\/([^/]+)$/,
    answer: (id, f) => ok({ id, status: by(f, { running: 'processing', succeeded: 'succeeded', failed: 'failed', cancelled: 'canceled' }), output: f === 'succeeded' ? `https://replicate.delivery/${id}/out.mp4` : null, error: f === 'failed' ? 'CUDA out of memory' : null }),
  },
  {
    id: 'mux',
    reports: 'webhook',
    finals: ['succeeded', 'failed'], // a deleted asset is gone from the status API
    retryDelaysMs: [60_000, 300_000, 1_800_000, 3_600_000, 21_600_000], // for 24 hours, with a growing delay
    options: {},
    route: /^\/video\/v1\/assets\/([^/]+)$/,
    answer: (id, f) => ok({ data: { id, status: by(f, { running: 'preparing', succeeded: 'ready', failed: 'errored', cancelled: 'errored' }), playback_ids: [{ id: `pb${id}`, policy: 'public' }] } }),
  },
  {
    id: 'elevenlabs',
    reports: 'webhook',
    finals: ['succeeded', 'failed'],
    retryDelaysMs: [], // retries off by default
    options: {},
    route: /^\/v1\/dubbing\/project\/([^/]+)\/language\/([^/]+)$/,
    answer: (id, f) => {
      const [project, language] = id.split(':');
      return ok({ project_id: project, language_id: language, target_language: 'es', status: by(f, { running: 'processing', succeeded: 'completed', failed: 'failed', cancelled: 'failed' }), revision: 1 });
    },
  },
  {
    id: 'fal',
    reports: 'webhook',
    finals: ['succeeded', 'failed'],
    retryDelaysMs: [60_000, 120_000, 300_000, 600_000, 600_000, 900_000, 900_000, 1_200_000, 1_200_000, 1_200_000], // "10 times in the span of 2 hours"
    options: { modelId: 'fal-ai/kling-video' },
    route: /^\/fal-ai\/kling-video\/requests\/([^/]+?)(?:\/status)?$/,
    // Once COMPLETED, the result: the output (2xx) or the failure (4xx with its detail). Before it,
    // only /status may be asked: a result asked for then is answered 500 (the job would not finish).
    answer: (id, f, path) =>
      path.endsWith('/status')
        ? ok({ status: f === 'running' ? 'IN_PROGRESS' : 'COMPLETED', request_id: id })
        : f === 'running'
          ? { status: 500, body: { detail: 'the result was asked for before /status said COMPLETED' } }
          : f === 'succeeded'
            ? ok({ video: { url: `https://v3.fal.media/files/${id}/out.mp4` } })
            : { status: 422, body: { detail: [{ msg: 'prompt was refused', type: 'value_error' }] } },
  },
  {
    id: 'luma',
    reports: 'hint',
    finals: ['succeeded', 'failed'],
    retryDelaysMs: [100, 100, 100], // "we retry 3 times with 100ms delay"
    options: {},
    route: /^\/dream-machine\/v1\/generations\/([^/]+)$/,
    answer: (id, f) => ok({ id, state: by(f, { running: 'dreaming', succeeded: 'completed', failed: 'failed', cancelled: 'failed' }), failure_reason: f === 'failed' ? 'moderation' : null, assets: f === 'succeeded' ? { video: `https://cdn-luma/${id}.mp4` } : {} }),
  },
  {
    id: 'runway',
    reports: 'poll',
    finals: ['succeeded', 'failed', 'cancelled'],
    retryDelaysMs: [],
    options: {},
    route: /^\/v1\/tasks\/([^/]+)$/,
    answer: (id, f) => ok({ id, status: by(f, { running: 'RUNNING', succeeded: 'SUCCEEDED', failed: 'FAILED', cancelled: 'CANCELLED' }), progress: f === 'running' ? 0.4 : undefined, output: f === 'succeeded' ? [`https://runway/${id}.mp4`] : undefined, failure: f === 'failed' ? 'An unexpected error occurred.' : undefined }),
  },
  {
    id: 'heygen',
    reports: 'hint',
    finals: ['succeeded', 'failed'],
    retryDelaysMs: [], // not documented
    options: {},
    route: /^\/v3\/videos\/([^/]+)$/,
    answer: (id, f) => ok({ data: { id, status: by(f, { running: 'processing', succeeded: 'completed', failed: 'failed', cancelled: 'failed' }), video_url: f === 'succeeded' ? `https://files.heygen.ai/${id}.mp4` : null, failure_message: f === 'failed' ? 'avatar not found' : null } }),
  },
  {
    id: 'tavus',
    reports: 'hint',
    finals: ['succeeded', 'failed'],
    retryDelaysMs: [], // not documented
    options: {},
    route: /^\/v2\/videos\/([^/]+)$/,
    answer: (video_id, f) =>
      ok({ video_id, status: by(f, { running: 'generating', succeeded: 'ready', failed: 'error', cancelled: 'error' }), generation_progress: f === 'running' ? '40/100' : '100/100', download_url: f === 'succeeded' ? `https://stream.mux.com/${video_id}/high.mp4` : null, status_details: f === 'failed' ? 'An error occurred while generating this video.' : f === 'running' ? 'generating' : 'done' }),
  },
];

/** A final status `vendor` can report, drawn from `r` (70% succeeded). */
export function finalFor(vendor: ChaosVendor, r: number): Final {
  if (r < 0.7 || vendor.finals.length === 1) return 'succeeded';
  if (r < 0.9 || vendor.finals.length === 2) return 'failed';
  return 'cancelled';
}

/**
 * Whether the app registers the vendor's jobs, as the README asks: a vendor that sends only a final
 * webhook (lost, nobody would know the job), retries only its final webhook (Replicate: one failed
 * progress webhook and a final that never comes leave nothing), sends unsigned callbacks, or none.
 */
export function appRegisters(vendor: ChaosVendor): boolean {
  return vendor.reports !== 'webhook' || vendor.retriesFinalOnly === true || !sampleEventsOf(vendor).some((e) => e === 'created' || e === 'progress');
}

/** The sample events the vendor really sends (its manifest's list). */
export function sampleEventsOf(vendor: ChaosVendor): readonly SampleEvent[] {
  return registry.builtIn(vendor.id)?.sampleEvents ?? [];
}
