/** How each record looks: a request row, a job's timeline, a DLQ or quarantine message. */
import type { JobTimeline, RequestRecord, TimelineEvent, TimelineStep } from '../records';
import { clock, h, pretty } from './dom';

export interface DlqMessage {
  readonly messageId: string;
  readonly inFlight: boolean;
  readonly messageGroupId: string;
  readonly event: { id?: string; type?: string; data?: { jobId?: string; status?: string } } | string;
}
export interface QuarantinedMessage {
  readonly messageId: string;
  readonly inFlight: boolean;
  readonly vendor?: string;
  readonly reason?: string;
  readonly receivedAt?: string;
  readonly replays?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}


export function requestRow(r: RequestRecord): HTMLElement {
  const verdict = r.verdict === 'delivered' ? r.reason : `${r.verdict}: ${r.reason}`;
  const headers = Object.entries(r.headers);
  return h(
    'li',
    { class: `request verdict-${r.verdict}`, 'data-request': String(r.id) },
    h(
      'div',
      { class: 'row' },
      h('time', { datetime: r.receivedAt }, clock(r.receivedAt)),
      h('span', { class: 'vendor' }, r.vendor),
      h('span', { class: `status s${String(r.statusCode)[0]}xx` }, String(r.statusCode)),
      h('span', { class: 'verdict' }, verdict),
      r.jobId !== null && h('span', { class: 'field' }, 'job ', h('a', { href: `#jobs`, 'data-job': `${r.vendor}#${r.jobId}` }, r.jobId)),
      r.eventId !== null && h('span', { class: 'field' }, 'event ', h('code', {}, r.eventId)),
    ),
    r.hint !== null && h('p', { class: 'hint' }, r.hint),
    h(
      'details',
      {},
      h('summary', {}, `Body (${r.bodyBytes.toLocaleString()} bytes${r.bodyTruncated ? ', cut' : ''}) and ${headers.length} kept header${headers.length === 1 ? '' : 's'}`),
      h('pre', { class: 'body' }, r.bodyEncoding === 'utf8' ? pretty(r.body) : `(not UTF-8; base64)\n${r.body}`),
      headers.length > 0 && h('dl', { class: 'headers' }, ...headers.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    ),
  );
}

export function jobCard(job: JobTimeline): HTMLElement {
  return h(
    'li',
    { class: 'job', 'data-job': job.key },
    h('h3', {}, h('span', { class: 'vendor' }, job.vendor), ' ', h('span', { class: 'job-id' }, job.jobId)),
    h('ol', { class: 'timeline' }, ...job.events.map(eventItem)),
  );
}

const STATE_LABEL: Record<TimelineEvent['state'], string> = {
  delivered: 'delivered',
  retrying: 'failed, comes back',
  'in-dlq': 'in the DLQ',
  read: 'read (no consumer)',
  queued: 'back in the queue',
};

export function eventItem(e: TimelineEvent): HTMLElement {
  const progress = e.progress === null ? '' : ` ${Math.round(e.progress * 100)}%`;
  return h(
    'li',
    { class: `event state-${e.state}`, 'data-event': e.eventId },
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'type' }, e.type),
      h('span', { class: 'field' }, `${e.status}${progress}${e.terminal ? ' (terminal)' : ''}`),
      h('span', { class: 'field' }, `via ${e.receivedVia}`),
      h('span', { class: 'state' }, STATE_LABEL[e.state]),
      h('code', {}, e.eventId),
    ),
    h('ol', { class: 'steps' }, e.stepsDropped > 0 && h('li', { class: 'step' }, `… ${e.stepsDropped} earlier`), ...e.steps.map(stepItem)),
  );
}

export function stepItem(s: TimelineStep): HTMLElement {
  const receive = s.receive === undefined ? '' : `receive ${s.receive} of ${s.maxReceives}: `;
  const what = { delivered: 'delivered', failed: 'failed', read: 'read', 'moved-to-dlq': 'moved to the DLQ', redriven: 'left the DLQ (redriven)' }[s.kind];
  return h('li', { class: `step step-${s.kind}` }, h('time', { datetime: s.at }, clock(s.at)), ` ${receive}${what}`, s.detail && h('span', { class: 'detail' }, ` (${s.detail})`));
}

export function dlqItem(m: DlqMessage): HTMLElement {
  const event = typeof m.event === 'object' ? m.event : {};
  return h(
    'li',
    { class: 'message', 'data-message': m.messageId },
    h('div', { class: 'row' }, h('span', { class: 'type' }, event.type ?? 'not an event'), h('span', { class: 'field' }, `job ${m.messageGroupId}`), event.id && h('code', {}, event.id), m.inFlight && h('span', { class: 'state' }, 'in flight')),
    h('details', {}, h('summary', {}, `message ${m.messageId}`), h('pre', { class: 'body' }, typeof m.event === 'string' ? m.event : JSON.stringify(m.event, null, 2))),
  );
}

export function quarantineItem(m: QuarantinedMessage): HTMLElement {
  const headers = Object.entries(m.headers ?? {});
  return h(
    'li',
    { class: 'message', 'data-message': m.messageId },
    h('div', { class: 'row' }, m.receivedAt && h('time', { datetime: m.receivedAt }, clock(m.receivedAt)), h('span', { class: 'vendor' }, m.vendor ?? '?'), h('span', { class: 'verdict' }, m.reason ?? ''), m.replays !== undefined && h('span', { class: 'field' }, `replayed ${m.replays}×`)),
    h(
      'details',
      {},
      h('summary', {}, `Body and ${headers.length} header${headers.length === 1 ? '' : 's'}`),
      h('pre', { class: 'body' }, pretty(m.body ?? '')),
      headers.length > 0 && h('dl', { class: 'headers' }, ...headers.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    ),
  );
}
