/**
 * The console's records, as its JSON routes answer them and its page reads them (plain types, no
 * imports: the page is type-checked against this file alone, without Node's types).
 */

/** One `POST /webhooks/{vendor}` request and what it got. */
export interface RequestRecord {
  /** Increasing within a run: the order requests arrived in. */
  readonly id: number;
  readonly receivedAt: string;
  readonly vendor: string;
  readonly statusCode: number;
  /** What the pipeline did: `delivered`, `ignored`, `quarantined`, `rejected` or `failed`. */
  readonly verdict: 'delivered' | 'hinted' | 'ignored' | 'quarantined' | 'rejected' | 'failed';
  /**
   * The delivery outcome (`enqueued`, `duplicate`, `stale`, `conflict`, `busy`), for an unsigned
   * vendor's callback (`hinted`) what the hint did (core/hint.ts), else the reason (`bad_signature`...).
   */
  readonly reason: string;
  readonly jobId: string | null;
  readonly eventId: string | null;
  /** The headers the quarantine would keep (the adapter's signature headers) and content-type; never one holding a secret. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as received, as UTF-8 text, or base64 when it is not valid UTF-8; cut at 64 KiB. */
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  /** For a refused request: its usual causes (console/hints.ts); else null. */
  readonly hint: string | null;
}

/** One job (one FIFO group, `<vendor>#<jobId>`), its events in the order the queue handed them out. */
export interface JobTimeline {
  readonly key: string;
  readonly vendor: string;
  readonly jobId: string;
  readonly updatedAt: string;
  readonly events: readonly TimelineEvent[];
}

export interface TimelineEvent {
  readonly eventId: string;
  readonly type: string;
  readonly status: string;
  readonly terminal: boolean;
  readonly progress: number | null;
  readonly receivedVia: string;
  /** When the vendor says it happened (the CloudEvent's `time`). */
  readonly time: string;
  /**
   * `delivered` (the consumer took it), `retrying` (it failed and comes back), `in-dlq`, `read`
   * (no consumer: printed and deleted), or `queued` (sent back by a redrive, not received since).
   */
  readonly state: 'delivered' | 'retrying' | 'in-dlq' | 'read' | 'queued';
  readonly steps: readonly TimelineStep[];
  /** Steps left out at the front, past the 50 kept. */
  readonly stepsDropped: number;
}

export interface TimelineStep {
  readonly at: string;
  readonly kind: 'delivered' | 'failed' | 'read' | 'moved-to-dlq' | 'redriven';
  /** The receive this was (1 for the first), of how many before the DLQ. */
  readonly receive?: number;
  readonly maxReceives?: number;
  /** What the consumer answered (`answered 500`, `handler threw: ...`, `in batchItemFailures`). */
  readonly detail?: string;
  /** The SQS message id of the receive. */
  readonly messageId?: string;
}

/** What `POST /console/send` takes. */
export interface TestEventInput {
  readonly vendor: string;
  /** One of the vendor's sample events (`GET /console/vendors` lists them). */
  readonly event: string;
  /** @default a realistic random one */
  readonly jobId?: string;
  /** Sign with a made-up secret instead, to see a refusal. @default false */
  readonly wrongSecret?: boolean;
}

/** What it answers: the webhook route's answer to the signed request. */
export interface TestEventResult {
  readonly vendor: string;
  readonly event: string;
  readonly jobId: string | undefined;
  readonly statusCode: number;
  readonly answer: unknown;
}

/** One vendor of `GET /console/vendors`. */
export interface VendorInfo {
  readonly id: string;
  readonly title: string;
  readonly sampleEvents: readonly string[];
  readonly secretVariable: string;
  /** Whether its variable holds a secret (the value is never shown). */
  readonly secretSet: boolean;
}
