/**
 * What one AWS service's strict rules look like to the strict local AWS (strict-aws.ts): a check
 * per call that answers AWS's rejection or lets the call through, maybe rewritten.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What AWS would answer instead of the emulator: its error code and a message. */
export interface AwsRejection {
  readonly code: string;
  readonly message: string;
}

/** Calls the emulator behind the layer with another action of the same service (to read a key schema, a queue attribute). */
export type UpstreamCall = (action: string, input: unknown) => Promise<{ readonly status: number; readonly output: unknown }>;

/** How the layer lets a call through: as sent, or with another input, and maybe with its answer rewritten. */
export interface Admission {
  /** The input to send the emulator instead of the one received. */
  readonly input?: unknown;
  /** Rewrites a successful answer (HTTP 200) before the client sees it. */
  readonly rewriteOutput?: (output: unknown) => unknown;
  /** Whether an answer needs `rewriteOutput`, from its raw bytes (a cheap test that spares parsing the rest). @default every answer */
  readonly rewrites?: (raw: Buffer) => boolean;
  /** Answers with this output without calling the emulator (nothing in the call is left for it, or the layer called it itself). */
  readonly answer?: unknown;
  /** The HTTP status of `answer`. @default 200 */
  readonly answerStatus?: number;
}

/** One AWS service's rules: what it rejects, and how its errors look on the wire. */
export interface StrictService {
  /** The `X-Amz-Target` prefix of the service, e.g. `AmazonSQS.` */
  readonly targetPrefix: string;
  /** Checks a call: the rejection AWS would answer, or how to let it through. */
  admit(action: string, input: Record<string, unknown>, upstream: UpstreamCall): Promise<AwsRejection | Admission> | AwsRejection | Admission;
  /** How a request that is no call of the service (an emulator's own route) goes through: rewritten, or as it is. @default as it is */
  passThrough?(method: string, path: string): Admission | undefined;
  /** The headers of an error the emulator answered itself, made as AWS sends them. @default as they are */
  readonly emulatorErrorHeaders?: (headers: IncomingHttpHeaders) => IncomingHttpHeaders;
  /** The HTTP answer AWS gives for a rejection. */
  errorAnswer(rejection: AwsRejection): { readonly headers: Record<string, string>; readonly body: Record<string, string> };
}

export function isRejection(value: AwsRejection | Admission): value is AwsRejection {
  return typeof (value as AwsRejection).code === 'string';
}

const LET_THROUGH: Admission = {};
export const letThrough = (): Admission => LET_THROUGH;

/** The first 60 characters of a value, for an error message. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

