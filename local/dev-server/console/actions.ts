/**
 * The console's two actions besides the DLQ redrive (which is `POST /dlq/redrive` itself):
 * - a test event, built and signed by the code of `video-webhooks send` (../sample-request.ts) with
 *   the dev server's own secret, and posted to the dev server's own `POST /webhooks/{vendor}`, so it
 *   goes the way a vendor's request goes and shows up among the requests;
 * - the quarantine replayed by the code the poller Lambda runs for `{"action":"replay-quarantine"}`
 *   (lambda/core/quarantine-replay.ts), on the local quarantine and pipeline.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SqsQuarantineSource } from '../../../lambda/adapters/aws/sqs-queue';
import type { VendorRuntimeConfig } from '../../../lambda/contract/deployment';
import { replayQuarantine, type ReplaySummary } from '../../../lambda/core/quarantine-replay';
import type { VendorRegistry } from '../../../lambda/vendors/registry';
import { envSecrets } from '../../adapters/secrets';
import { buildSample } from '../sample-request';
import { webhookSecretEnv, type LocalPipeline } from '../wiring';
import type { TestEventInput, TestEventResult } from './records';

/** A problem with the input, answered 400 (or 409 when the vendor has no secret set) with its message. */
export class ActionInputError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export interface ActionContext {
  readonly pipeline: LocalPipeline;
  readonly vendors: VendorRegistry;
  readonly configVendors: readonly VendorRuntimeConfig[];
  readonly env: NodeJS.ProcessEnv;
  /** How long a replayed message stays hidden should the replay stop on it (the dev server's visibility timeout). */
  readonly visibilityTimeoutSeconds: number;
  readonly log: (line: string) => void;
}

export async function sendTestEvent(input: unknown, serverUrl: string, context: ActionContext): Promise<TestEventResult> {
  const { vendor, event, jobId, wrongSecret } = testEventInput(input);
  const variable = webhookSecretEnv(vendor, context.vendors);
  if (context.vendors.builtIn(vendor) && !wrongSecret && secretsOf(context.env, variable).length === 0) {
    throw new ActionInputError(`no secret for ${vendor}: set ${variable} and start video-webhooks dev again`, 409);
  }
  let sample;
  try {
    sample = buildSample(vendor, event, {
      jobId,
      url: `${serverUrl}/webhooks/${encodeURIComponent(vendor)}`,
      env: context.env,
      configVendors: context.configVendors,
      secret: wrongSecret ? `not-the-secret-${randomBytes(6).toString('hex')}` : undefined,
    });
  } catch (err) {
    throw new ActionInputError((err as Error).message);
  }
  const res = await fetch(sample.url, { method: 'POST', headers: sample.headers, body: sample.body });
  const text = await res.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text) as unknown;
  } catch {
    // not JSON: shown as text
  }
  return { vendor, event, jobId: sample.jobId, statusCode: res.status, answer };
}

/** Replays the local quarantine once; its summary is what the poller Lambda answers. */
export async function replayLocalQuarantine(context: ActionContext): Promise<ReplaySummary> {
  const { pipeline } = context;
  const summary = await replayQuarantine(
    {
      ...pipeline.deps,
      quarantine: new SqsQuarantineSource(pipeline.sqs, pipeline.queues.quarantineQueueUrl, context.visibilityTimeoutSeconds),
      adapterFor: (vendor) => pipeline.deps.adapters.get(vendor),
    },
    // The emulator answers a short poll from every message it holds (queue-inspection.ts): no long polls needed.
    { runId: randomUUID(), receiveWaitSeconds: 0, deadlineMs: Date.now() + 25_000 },
  );
  const enqueued = summary.delivered.enqueued;
  context.log(`quarantine replay: ${summary.received} received, ${enqueued} enqueued, ${summary.requeued} sent back, ${summary.ignored} ignored, ${summary.failed} failed (${summary.stoppedBecause})`);
  return summary;
}

function secretsOf(env: NodeJS.ProcessEnv, variable: string): string[] {
  try {
    return envSecrets(env, variable);
  } catch (err) {
    throw new ActionInputError(`${(err as Error).message}; then start video-webhooks dev again`, 409);
  }
}

function testEventInput(input: unknown): TestEventInput {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const shape = 'body must be {"vendor": "...", "event": "...", "jobId"?: "...", "wrongSecret"?: true}';
  if (typeof i.vendor !== 'string' || typeof i.event !== 'string') throw new ActionInputError(shape);
  if (i.jobId !== undefined && i.jobId !== '' && typeof i.jobId !== 'string') throw new ActionInputError(shape);
  if (i.wrongSecret !== undefined && typeof i.wrongSecret !== 'boolean') throw new ActionInputError(shape);
  return { vendor: i.vendor, event: i.event, jobId: i.jobId === '' ? undefined : (i.jobId as string | undefined), wrongSecret: i.wrongSecret === true };
}
