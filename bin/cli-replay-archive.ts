/**
 * `video-webhooks replay-archive`: replays archived requests, exactly once, through the replay
 * function in the account (`--function NAME`, Lambda Invoke) or the dev server's own archive
 * (`--to URL`, its `POST /archive/replay`). A long run goes on from the cursor each part answers,
 * with a progress line after each; a summary at the end; every failure one line.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ArchiveReplaySummary } from '../lambda/core/archive-replay';
import type { ArchiveReplayInput } from '../lambda/core/archive-replay-request';

export interface ReplayArchiveOptions {
  /** @default a LambdaClient for `--region` and `--profile` */
  readonly lambda?: LambdaClient;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  /** The time `now` and relative times (`24h`) count from. @default Date.now */
  readonly now?: () => number;
}

type Values = Record<string, string | boolean | undefined>;

const USAGE = 'usage: video-webhooks replay-archive --vendor V [--job J] --since T --until T [--dry-run] (--function NAME [--region R] [--profile P] | --to URL [--archive-dir DIR])';

/** How long each part of a run goes before it reports (the function's own limit is 5 minutes). */
const PART_SECONDS = { lambda: 30, local: 5 } as const;

class Problem extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export async function replayArchiveCommand(values: Values, options: ReplayArchiveOptions = {}): Promise<number> {
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    return await run(values, options);
  } catch (e) {
    err(e instanceof Problem ? e.message : awsProblem(e));
    return e instanceof Problem ? e.code : 1;
  }
}

async function run(values: Values, options: ReplayArchiveOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = (options.now ?? Date.now)();
  const vendor = text(values.vendor, '--vendor');
  const input: ArchiveReplayInput = {
    vendor,
    ...(typeof values.job === 'string' ? { jobId: values.job } : {}),
    since: timeArg(values.since, '--since', now),
    until: timeArg(values.until, '--until', now),
    ...(values['dry-run'] === true ? { dryRun: true } : {}),
  };
  const target = targetOf(values, options);
  // A dry run goes in one part where it can: its judgement of a job's second event needs its first in the same part.
  const part = input.dryRun ? {} : { maxSeconds: PART_SECONDS[target.kind] };
  out(`replay-archive: ${input.dryRun ? 'dry run (nothing is written): ' : ''}${vendor}${input.jobId ? ` job ${input.jobId}` : ''} received from ${input.since} to ${input.until}, through ${target.name}`);
  const total = newTotals();
  let cursor: string | undefined;
  for (;;) {
    const summary = await target.call({ ...input, ...part, ...(cursor ? { cursor } : {}) });
    add(total, summary);
    if (summary.stoppedBecause === 'failed') {
      throw new Problem(`replay-archive: stopped by a failure after ${line(total)}: ${summary.error ?? 'unknown error'}; what was sent stays sent: run the same command again to go on (what was delivered comes back as duplicates)`);
    }
    if (summary.stoppedBecause === 'done') {
      for (const l of finalLines(total, summary)) out(l);
      return 0;
    }
    if (!summary.cursor) throw new Problem('replay-archive: the replay stopped at its deadline without a cursor: run the same command again');
    cursor = summary.cursor;
    out(`replay-archive: ${line(total)}, going on`);
  }
}

interface Target {
  readonly kind: 'lambda' | 'local';
  readonly name: string;
  call(input: ArchiveReplayInput): Promise<ArchiveReplaySummary>;
}

function targetOf(values: Values, options: ReplayArchiveOptions): Target {
  const fn = values.function;
  const to = values.to;
  if ((typeof fn === 'string') === (typeof to === 'string')) throw new Problem(`replay-archive needs one of --function NAME (the replay function in the account) or --to URL (a dev server): ${USAGE}`, 2);
  if (typeof fn === 'string') {
    if (typeof values['archive-dir'] === 'string') throw new Problem('--archive-dir is for --to (a dev server\'s archive): the function reads the archive\'s bucket', 2);
    const client = options.lambda ?? new LambdaClient({ maxAttempts: 1, ...(typeof values.region === 'string' ? { region: values.region } : {}), ...(typeof values.profile === 'string' ? { profile: values.profile } : {}) });
    return { kind: 'lambda', name: `function ${fn}`, call: (input) => invoke(client, fn, input) };
  }
  let url: URL;
  try {
    url = new URL('archive/replay', `${String(to).replace(/\/+$/, '')}/`);
  } catch {
    throw new Problem(`--to ${String(to)} is not a URL: give the dev server's, e.g. --to http://127.0.0.1:8787`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Problem(`--to ${String(to)} is not an http(s) URL: give the dev server's, e.g. --to http://127.0.0.1:8787`, 2);
  const archiveDir = typeof values['archive-dir'] === 'string' ? values['archive-dir'] : undefined;
  return { kind: 'local', name: `the dev server at ${url.origin}`, call: (input) => post(url, archiveDir === undefined ? input : { ...input, archiveDir }) };
}

/** One synchronous invocation (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): the payload is the summary, or the function's error. */
async function invoke(client: LambdaClient, functionName: string, input: ArchiveReplayInput): Promise<ArchiveReplaySummary> {
  const answer = await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(input)) }));
  const payload = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
  if (answer.FunctionError) {
    const message = (parsed(payload) as { errorMessage?: unknown } | undefined)?.errorMessage;
    throw new Problem(`replay-archive: the function ${functionName} failed (${answer.FunctionError}): ${typeof message === 'string' ? message.split('\n')[0] : payload.slice(0, 300)}`);
  }
  return summaryOf(payload, `the function ${functionName}`);
}

async function post(url: URL, body: object): Promise<ArchiveReplaySummary> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    throw new Problem(`replay-archive: no dev server answered at ${url.origin} (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}): start one with video-webhooks dev, or pass its URL`);
  }
  const text = await response.text();
  if (!response.ok) {
    const error = (parsed(text) as { error?: unknown } | undefined)?.error;
    throw new Problem(`replay-archive: ${url.origin} answered ${response.status}: ${typeof error === 'string' ? error : text.slice(0, 300)}`);
  }
  return summaryOf(text, url.origin);
}

function summaryOf(text: string, from: string): ArchiveReplaySummary {
  const summary = parsed(text) as ArchiveReplaySummary | undefined;
  if (!summary || typeof summary.read !== 'number' || typeof summary.stoppedBecause !== 'string') throw new Problem(`replay-archive: ${from} did not answer a replay summary: ${text.slice(0, 200)}`);
  return summary;
}

type Totals = { read: number; enqueued: number; duplicate: number; stale: number; conflict: number; skipped: Record<string, number> };

function newTotals(): Totals {
  return { read: 0, enqueued: 0, duplicate: 0, stale: 0, conflict: 0, skipped: {} };
}

function add(t: Totals, s: ArchiveReplaySummary): void {
  t.read += s.read;
  t.enqueued += s.enqueued;
  t.duplicate += s.duplicate;
  t.stale += s.stale;
  t.conflict += s.conflict;
  for (const [reason, n] of Object.entries(s.skipped)) t.skipped[reason] = (t.skipped[reason] ?? 0) + n;
}

/** read, enqueued, duplicate (delivered before: the same event, or one its job is past), skipped (everything else). */
function line(t: Totals): string {
  const skipped = t.conflict + Object.values(t.skipped).reduce((a, b) => a + b, 0);
  return `read ${t.read}, enqueued ${t.enqueued}, duplicate ${t.duplicate + t.stale}, skipped ${skipped}`;
}

function finalLines(t: Totals, last: ArchiveReplaySummary): string[] {
  const why = Object.entries({ conflict: t.conflict, ...t.skipped }).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  const lines = [`${last.dryRun ? 'dry run done (nothing written)' : 'done'}: ${line(t)}${t.stale > 0 ? ` (${t.stale} of the duplicates behind what their job had reported)` : ''}${why.length ? `; skipped: ${why.join(', ')}` : ''}`];
  if (last.notReadBefore) {
    lines.push(`records received before ${last.notReadBefore} were not read: they are older than the dedupe window (${last.dedupeWindow}), and a replay never sends those (their job may have lapsed, and with it its one terminal event)`);
  }
  return lines;
}

function text(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new Problem(`${flag} is required: ${USAGE}`, 2);
  return value;
}

/** An ISO 8601 date or time (passed on as it is), `now`, or a time before now: `90m`, `24h`, `7d`. */
function timeArg(value: string | boolean | undefined, flag: string, nowMs: number): string {
  const given = text(value, flag);
  if (given === 'now') return new Date(nowMs).toISOString();
  const ago = /^(\d{1,6})([mhd])$/.exec(given);
  if (ago) return new Date(nowMs - Number(ago[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd']).toISOString();
  return given; // the replay checks it, and says what is wrong in one line
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An SDK error as one line, with the usual fix for the usual causes. */
function awsProblem(e: unknown): string {
  const error = e as Error & { $metadata?: { httpStatusCode?: number } };
  const name = error?.name ?? 'Error';
  const message = (error?.message ?? String(e)).split('\n')[0];
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) return `replay-archive: no AWS credentials (${message}): set AWS_PROFILE or pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (name === 'ResourceNotFoundException') return `replay-archive: there is no such function (${message}): pass the name of the stack's archive replay function (ingestion.archiveReplayFunction)`;
  if (name === 'AccessDeniedException' || error?.$metadata?.httpStatusCode === 403) return `replay-archive: access denied (${message}): running the replay needs lambda:InvokeFunction on the replay function`;
  return `replay-archive: ${name}: ${message}`;
}
