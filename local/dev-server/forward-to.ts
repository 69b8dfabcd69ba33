/**
 * `--forward-to URL`: each queued event POSTed to URL as the CloudEvent JSON (structured mode,
 * `content-type: application/cloudevents+json`), each job's events one after the other. A 2xx is
 * a delivery; any other answer, no answer within the timeout, or no connection is a failure, and
 * the job's later events in the batch are not tried (they would overtake it).
 */
import type { Attempt, EventConsumer, QueuedEvent } from './queue-tap';
import { DevServerStartError } from './start-errors';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** The consumer that forwards to `url`; a request not answered within `timeoutMs` fails. */
export function httpForwarder(url: string, timeoutMs: number): EventConsumer {
  return {
    async deliver(batch, signal) {
      const attempts = new Map<string, Attempt>();
      await Promise.all(
        byGroup(batch).map(async (events) => {
          for (const [i, m] of events.entries()) {
            const attempt = await post(url, m.body, timeoutMs, signal);
            attempts.set(m.messageId, attempt);
            if (attempt.ok) continue;
            for (const later of events.slice(i + 1)) attempts.set(later.messageId, { ok: false, detail: 'held back behind a failed event of its job' });
            return;
          }
        }),
      );
      return attempts;
    },
  };
}

/** `--forward-to` checked: an absolute http(s) URL. */
export function forwardUrl(value: string): string {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) {
    throw new DevServerStartError(`--forward-to ${value} is not an http(s) URL: use e.g. http://127.0.0.1:9000/events`);
  }
  return value;
}

/** The batch's events by FIFO group, each group in receive order. */
export function byGroup(batch: readonly QueuedEvent[]): QueuedEvent[][] {
  const groups = new Map<string, QueuedEvent[]>();
  for (const m of batch) groups.set(m.groupId, [...(groups.get(m.groupId) ?? []), m]);
  return [...groups.values()];
}

async function post(url: string, body: string, timeoutMs: number, stop: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': CLOUDEVENTS_JSON }, body, signal: AbortSignal.any([stop, timeout]), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, detail: `answered ${res.status}` };
  } catch (err) {
    if (timeout.aborted) return { ok: false, detail: `no answer within ${timeoutMs / 1000} s` };
    const cause = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (err as Error).message;
    return { ok: false, detail: `could not reach ${url} (${cause})` };
  }
}
