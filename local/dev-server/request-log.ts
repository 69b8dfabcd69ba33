/**
 * The dev server's stderr lines, like `stripe listen`'s: one per webhook request (2xx included),
 * one per vendor at startup saying whether its secret is set, one per delivery attempt to the
 * consumer. Never a secret, a signature or a payload.
 */
import type { WebhookAnswer } from '../../lambda/core/webhook';

/** `200 acme delivered: enqueued (job j-1, event 8c1f...)`, `401 acme rejected: bad_signature`. */
export function requestLine(vendor: string, answer: WebhookAnswer): string {
  const r = answer.result;
  const detail = r.kind === 'delivered' ? `${r.outcome} (job ${r.jobId}, event ${r.eventId})` : r.kind === 'hinted' ? `${r.outcome} (job ${r.jobId})` : r.reason;
  return `${answer.statusCode} ${vendor} ${r.kind}: ${detail}`;
}

/** Whether the request was refused, or accepted without an event: what `onRejection` is told. */
export function isRejection(answer: WebhookAnswer): boolean {
  const { kind } = answer.result;
  return !((kind === 'delivered' || (kind === 'hinted' && answer.result.outcome !== 'unknown_job')) && answer.statusCode < 300);
}

/** `acme: secret set (ACME_WEBHOOK_SECRET)`, or what to set. */
export function secretLine(vendor: string, variable: string, values: number): string {
  if (values === 0) return `${vendor}: no secret: set ${variable} (until then it answers 503)`;
  return `${vendor}: secret set (${variable}${values > 1 ? `, ${values} values accepted` : ''})`;
}

/** What a delivery attempt of one queued event came to. */
export interface AttemptLine {
  readonly ok: boolean;
  /** `answered 500`, `in batchItemFailures`, ... */
  readonly detail: string;
  readonly type: string;
  readonly group: string;
  readonly eventId: string;
  readonly receive: number;
  readonly maxReceives: number;
  readonly visibilitySeconds: number;
}

/** `→ failed video.job.processing job acme#j-1 event 8c1f... (receive 1 of 3): answered 500; visible again in 5 s`. */
export function attemptLine(a: AttemptLine): string {
  const head = `→ ${a.ok ? 'delivered' : 'failed'} ${a.type} job ${a.group} event ${a.eventId} (receive ${a.receive} of ${a.maxReceives}): ${a.detail}`;
  if (a.ok) return head;
  return `${head}; ${a.receive >= a.maxReceives ? 'moves to the DLQ' : `visible again in ${a.visibilitySeconds} s`}`;
}
