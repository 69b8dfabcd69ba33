/**
 * The archive replay's request as JSON: what the replay function is invoked with, what the dev
 * server's `POST /archive/replay` takes, and what `video-webhooks replay-archive` sends to either.
 * One reader, so the three say the same about a bad request.
 */
import type { ArchiveReplayRequest } from './archive-replay';
import { isObject } from './json';

/** The request as sent: times as ISO 8601 strings. */
export interface ArchiveReplayInput {
  readonly vendor: string;
  readonly jobId?: string;
  /** ISO 8601: a date (`2026-12-01`, midnight UTC) or a time with its zone (`2026-12-01T09:30:00Z`). */
  readonly since: string;
  readonly until: string;
  readonly dryRun?: boolean;
  /** The `cursor` of the summary of an earlier run of the same request. */
  readonly cursor?: string;
  /** Stop after this many seconds (a shorter run, for progress): the next run continues from the cursor. */
  readonly maxSeconds?: number;
}

export interface ParsedReplayInput {
  readonly request: ArchiveReplayRequest;
  readonly maxSeconds: number | undefined;
}

/** The longest run one request may ask for: Lambda's own longest invocation. */
export const MAX_RUN_SECONDS = 900;

const FIELDS = ['vendor', 'jobId', 'since', 'until', 'dryRun', 'cursor', 'maxSeconds'] as const;

/** A date, or a date and time with seconds optional, fraction optional, and a zone (Z or ±hh:mm) required. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The request, or what is wrong with it in one line. */
export function parseArchiveReplayInput(input: unknown): ParsedReplayInput | string {
  if (!isObject(input)) return `the request must be a JSON object with ${FIELDS.join(', ')}`;
  const unknown = Object.keys(input).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}: the request takes ${FIELDS.join(', ')}`;
  const { vendor, jobId, since, until, dryRun, cursor, maxSeconds } = input;
  if (typeof vendor !== 'string' || vendor === '') return 'vendor is required: the vendor id whose records to replay';
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId === '')) return 'jobId must be a non-empty string when given';
  const sinceMs = timeOf(since);
  if (sinceMs === undefined) return `since ${JSON.stringify(since)} is not a time: give an ISO 8601 date or time with its zone, e.g. 2026-12-01 or 2026-12-01T09:30:00Z`;
  const untilMs = timeOf(until);
  if (untilMs === undefined) return `until ${JSON.stringify(until)} is not a time: give an ISO 8601 date or time with its zone, e.g. 2026-12-02 or 2026-12-01T18:00:00Z`;
  if (sinceMs >= untilMs) return `since (${since as string}) must be before until (${until as string})`;
  if (dryRun !== undefined && typeof dryRun !== 'boolean') return 'dryRun must be true or false';
  if (cursor !== undefined && typeof cursor !== 'string') return 'cursor must be the string a summary gave';
  if (maxSeconds !== undefined && !(typeof maxSeconds === 'number' && Number.isInteger(maxSeconds) && maxSeconds >= 1 && maxSeconds <= MAX_RUN_SECONDS)) {
    return `maxSeconds must be a whole number from 1 to ${MAX_RUN_SECONDS}`;
  }
  return {
    request: { vendor, ...(jobId !== undefined ? { jobId } : {}), sinceMs, untilMs, dryRun: dryRun === true, ...(cursor !== undefined ? { cursor } : {}) },
    maxSeconds,
  };
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}
