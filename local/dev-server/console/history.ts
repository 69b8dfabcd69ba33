/**
 * What the console remembers of this run, in memory and bounded: the webhook requests (newest
 * first) and, per job, its events in queue order with what the consumer answered each time, and
 * whether the event sits in the DLQ. The same records are answered by `GET /console/requests` and
 * `GET /console/jobs` and streamed to the page; nothing here touches a queue.
 */
import type { JobTimeline, RequestRecord, TimelineEvent, TimelineStep } from './records';

export type { JobTimeline, RequestRecord, TimelineEvent, TimelineStep } from './records';

export const MAX_REQUESTS = 500;
export const MAX_JOBS = 200;
export const MAX_EVENTS_PER_JOB = 100;
export const MAX_STEPS = 50;
/** A body longer than this (in characters of its text or base64) is shown cut. */
export const MAX_BODY_CHARS = 64 * 1024;

/** An event as the queue tap received it. */
export interface ReceivedEvent {
  readonly groupId: string;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly body: string;
}

export class History {
  private readonly requests: RequestRecord[] = [];
  private readonly jobs = new Map<string, LiveJob>();

  addRequest(record: RequestRecord): void {
    this.requests.push(record);
    this.requests.sort((a, b) => a.id - b.id);
    if (this.requests.length > MAX_REQUESTS) this.requests.splice(0, this.requests.length - MAX_REQUESTS);
  }

  /** Newest first. */
  listRequests(): RequestRecord[] {
    return [...this.requests].reverse();
  }

  /** Most recently changed first. */
  listJobs(): JobTimeline[] {
    return [...this.jobs.values()].reverse().map(snapshot);
  }

  job(key: string): JobTimeline | undefined {
    const job = this.jobs.get(key);
    return job && snapshot(job);
  }

  /**
   * A receive of an event and what came of it (`attempt` undefined: no consumer). Answers the
   * job's key, or undefined when the message is not one of our events.
   */
  addAttempt(message: ReceivedEvent, attempt: { readonly ok: boolean; readonly detail: string } | undefined, maxReceives: number, atMs: number): string | undefined {
    const parsed = parseEvent(message.body);
    if (!parsed) return undefined;
    const key = message.groupId || `${parsed.vendor}#${parsed.jobId}`;
    const job = this.touch(key, parsed.vendor, parsed.jobId, atMs);
    let event: LiveEvent | undefined = job.events.find((e) => e.eventId === parsed.eventId);
    if (!event) {
      event = { ...parsed.fields, state: 'queued', steps: [], stepsDropped: 0 };
      job.events.push(event);
      if (job.events.length > MAX_EVENTS_PER_JOB) job.events.shift();
    }
    const at = new Date(atMs).toISOString();
    // Received again while we believed it in the DLQ: it was redriven before we looked.
    if (event.state === 'in-dlq') addStep(event, { at, kind: 'redriven' });
    const receive = { receive: message.receiveCount, maxReceives, messageId: message.messageId };
    if (attempt === undefined) {
      addStep(event, { at, kind: 'read', ...receive, detail: 'no consumer: printed and deleted' });
      event.state = 'read';
    } else {
      addStep(event, { at, kind: attempt.ok ? 'delivered' : 'failed', ...receive, detail: attempt.detail });
      event.state = attempt.ok ? 'delivered' : 'retrying';
    }
    return key;
  }

  /**
   * What the DLQ holds now (event ids): an event of ours that arrived there gets a `moved-to-dlq`
   * step, one that left it a `redriven` step. Answers the keys of the jobs that changed.
   */
  reconcileDeadLetters(inDlq: ReadonlySet<string>, atMs: number): string[] {
    const changed: string[] = [];
    const at = new Date(atMs).toISOString();
    for (const job of this.jobs.values()) {
      let touched = false;
      for (const event of job.events) {
        if (inDlq.has(event.eventId) && event.state !== 'in-dlq') {
          addStep(event, { at, kind: 'moved-to-dlq' });
          event.state = 'in-dlq';
          touched = true;
        } else if (!inDlq.has(event.eventId) && event.state === 'in-dlq') {
          addStep(event, { at, kind: 'redriven' });
          event.state = 'queued';
          touched = true;
        }
      }
      if (touched) changed.push(job.key);
    }
    for (const key of changed) this.touch(key, '', '', atMs); // an existing job: its vendor and id stay
    return changed;
  }

  /** Whether an event failed its last receive and has not been seen in the DLQ yet (worth looking). */
  awaitsDeadLetterMove(): boolean {
    for (const job of this.jobs.values()) {
      for (const e of job.events) {
        const last = e.steps.at(-1);
        if (e.state === 'retrying' && last?.receive !== undefined && last.maxReceives !== undefined && last.receive >= last.maxReceives) return true;
      }
    }
    return false;
  }

  private touch(key: string, vendor: string, jobId: string, atMs: number): LiveJob {
    const job = this.jobs.get(key) ?? { key, vendor, jobId, updatedAt: '', events: [] };
    // Map order is the order of change: re-insert at the end.
    this.jobs.delete(key);
    job.updatedAt = new Date(atMs).toISOString();
    this.jobs.set(key, job);
    if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
    return job;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The records as kept here, changed in place; handed out as copies. */
type LiveEvent = Mutable<Omit<TimelineEvent, 'steps'>> & { steps: TimelineStep[] };
type LiveJob = Mutable<Omit<JobTimeline, 'events'>> & { events: LiveEvent[] };

function addStep(event: LiveEvent, step: TimelineStep): void {
  event.steps.push(step);
  if (event.steps.length > MAX_STEPS) {
    event.steps.shift();
    event.stepsDropped++;
  }
}

function snapshot(job: LiveJob): JobTimeline {
  return { ...job, events: job.events.map((e) => ({ ...e, steps: [...e.steps] })) };
}

/** The fields of one of our CloudEvents, or undefined for anything else. */
function parseEvent(body: string): { eventId: string; vendor: string; jobId: string; fields: Omit<TimelineEvent, 'state' | 'steps' | 'stepsDropped'> } | undefined {
  let event: { id?: unknown; type?: unknown; time?: unknown; data?: Record<string, unknown> };
  try {
    event = JSON.parse(body) as typeof event;
  } catch {
    return undefined;
  }
  const data = event?.data;
  if (typeof event?.id !== 'string' || typeof data !== 'object' || data === null || typeof data.jobId !== 'string' || typeof data.vendor !== 'string') return undefined;
  return {
    eventId: event.id,
    vendor: data.vendor,
    jobId: data.jobId,
    fields: {
      eventId: event.id,
      type: String(event.type ?? ''),
      status: String(data.status ?? ''),
      terminal: data.terminal === true,
      progress: typeof data.progress === 'number' ? data.progress : null,
      receivedVia: String(data.receivedVia ?? ''),
      time: String(event.time ?? ''),
    },
  };
}
