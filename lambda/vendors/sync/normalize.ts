/** Sync's generation object, the body of its webhooks and of its status answers, to normalized fields. */
import { EMPTY_MEDIA, type NormalizedFields, type VideoJobStatus } from '../../core/event';
import { ownValue, readId, readNumber, readPercent, readString, type JsonObject } from '../../core/json';

const STATUS_MAP: Readonly<Record<string, VideoJobStatus>> = {
  PENDING: 'queued',
  PROCESSING: 'processing',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  REJECTED: 'failed',
  TIMED_OUT: 'failed',
  CANCELED: 'cancelled',
  CANCELLED: 'cancelled',
};

/** The generation object (webhook body or status answer) to normalized fields. */
export function normalizeGeneration(body: JsonObject, fallbackJobId: string | undefined, signedAtMs: number | null): NormalizedFields | string {
  const jobId = readId(body.id) ?? fallbackJobId;
  if (!jobId) return 'no id';
  const vendorStatus = readString(body.status);
  const status = vendorStatus === null ? undefined : ownValue(STATUS_MAP, vendorStatus.toUpperCase());
  if (!status) return `unknown status ${JSON.stringify(vendorStatus)}`.slice(0, 120);
  const duration = readNumber(body.outputDuration);
  const errorMessage = readString(body.error);
  const errorCode = readString(body.error_code) ?? readString(body.errorCode);
  return {
    jobId,
    status,
    progress: status === 'succeeded' ? 1 : readPercent(body.progress_percent ?? body.progressPercent),
    stage: null,
    outputUrl: readString(body.outputUrl),
    media: duration === null ? null : { ...EMPTY_MEDIA, durationSeconds: duration },
    error:
      status === 'failed' || errorMessage !== null || errorCode !== null
        ? { message: errorMessage ?? (errorCode ? errorCode : `generation ${vendorStatus?.toLowerCase()}`), code: errorCode }
        : null,
    vendorEventType: null,
    vendorStatus,
    // The body has no event time; the signed timestamp is when Sync sent it.
    occurredAtMs: signedAtMs,
    raw: body,
  };
}
