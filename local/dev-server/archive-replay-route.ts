/**
 * `POST /archive/replay`: the dev server replays its own archive directory (`--archive-dir`)
 * into its own pipeline, with the same engine as the replay function on AWS
 * (lambda/core/archive-replay.ts). The body is the replay request (core/archive-replay-request.ts:
 * `vendor`, `jobId`, `since`, `until`, `dryRun`, and `cursor`, `maxSeconds` to go in parts), plus
 * `archiveDir` to check that this is the server that archives there; the answer is the summary.
 * Guarded like the other state-changing routes (request-guard.ts: this machine's Host, same
 * origin or none, application/json only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { ArchiveReplayError, replayArchive } from '../../lambda/core/archive-replay';
import { parseArchiveReplayInput } from '../../lambda/core/archive-replay-request';
import { isObject } from '../../lambda/core/json';
import { DirectoryArchiveSource } from '../adapters/archive-directory-source';
import { notJsonBecause } from './request-guard';
import type { LocalPipeline } from './wiring';

/** What the route needs of the server (routes.ts RouteDeps has it). */
export interface ArchiveRouteDeps {
  readonly pipeline: LocalPipeline;
  /** The directory the server archives to; undefined when it keeps no archive. */
  readonly archiveDir?: string;
  readonly log: (line: string) => void;
}

/** The most bytes of a request body read: a replay request is a few hundred (a cursor included). */
const MAX_REQUEST_BYTES = 16 * 1024;

export async function archiveReplayRoute(req: IncomingMessage, res: ServerResponse, deps: ArchiveRouteDeps): Promise<void> {
  const notJson = notJsonBecause(req, 'POST /archive/replay');
  if (notJson !== undefined) {
    req.resume();
    return send(res, 415, { error: notJson.replace(/'\{.*\}'/, `'{"vendor":"<vendor>","since":"2026-12-01","until":"2026-12-02"}'`) });
  }
  if (deps.archiveDir === undefined) return send(res, 409, { error: 'this dev server keeps no archive: start it with --archive-dir DIR (the default is .video-webhooks/archive)' });
  let body: unknown;
  try {
    body = JSON.parse((await readAtMost(req, MAX_REQUEST_BYTES)).toString('utf8')) as unknown;
  } catch {
    return send(res, 400, { error: `body must be JSON of at most ${MAX_REQUEST_BYTES} bytes: {"vendor": "...", "since": "...", "until": "..."}` });
  }
  const { archiveDir, ...input } = isObject(body) ? body : { archiveDir: undefined };
  if (archiveDir !== undefined && (typeof archiveDir !== 'string' || resolve(archiveDir) !== resolve(deps.archiveDir))) {
    return send(res, 409, { error: `this dev server archives to ${resolve(deps.archiveDir)}, not ${String(archiveDir)}: start one with --archive-dir ${String(archiveDir)}, or drop --archive-dir` });
  }
  const parsed = parseArchiveReplayInput(isObject(body) ? input : body);
  if (typeof parsed === 'string') return send(res, 400, { error: parsed });
  const pipeline = deps.pipeline.deps;
  const startedMs = pipeline.clock.now();
  try {
    const summary = await replayArchive(
      { ...pipeline, archive: new DirectoryArchiveSource(deps.archiveDir), adapterFor: (vendor) => pipeline.adapters.get(vendor) },
      parsed.request,
      parsed.maxSeconds === undefined ? {} : { deadlineMs: startedMs + parsed.maxSeconds * 1000 },
    );
    deps.log(`archive replay ${summary.vendor}${summary.dryRun ? ' (dry run)' : ''}: read ${summary.read}, enqueued ${summary.enqueued}, duplicate ${summary.duplicate + summary.stale}, ${summary.stoppedBecause}`);
    return send(res, 200, summary);
  } catch (err) {
    if (err instanceof ArchiveReplayError) return send(res, 400, { error: err.message });
    throw err;
  }
}

/** Reads at most `limit` bytes; a longer body is refused (it is no replay request). */
function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? fail(new Error('too large')) : done(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
