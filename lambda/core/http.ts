/** HTTP glue shared by the Lambda handler and the local dev server. */
import type { RawRequest } from './adapter';
import type { WebhookAnswer } from './webhook';

/** Lower-cases header names; repeated headers are joined with ', ' as HTTP allows. */
export function normalizeHeaders(headers: Readonly<Record<string, string | string[] | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(', ') : value;
    out[key] = out[key] === undefined ? joined : `${out[key]}, ${joined}`;
  }
  return out;
}

/** The raw body exactly as sent: API Gateway base64-encodes bodies it does not treat as text. */
export function rawRequest(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  body: string | Buffer | undefined | null,
  isBase64Encoded = false,
  query?: Readonly<Record<string, string | undefined>> | null,
): RawRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8');
  const params = Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { headers: normalizeHeaders(headers), body: bytes, ...(params.length > 0 ? { query: Object.fromEntries(params) } : {}) };
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function toHttpResponse(answer: Pick<WebhookAnswer, 'statusCode' | 'body' | 'headers'>): HttpResponse {
  return {
    statusCode: answer.statusCode,
    headers: { 'content-type': 'application/json', ...answer.headers },
    body: JSON.stringify(answer.body),
  };
}
