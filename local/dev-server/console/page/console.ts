/**
 * The dev console page: plain DOM, no framework, bundled by `npm run build` (scripts/build.mjs)
 * into dist/local/dev-server/console/assets/console.js. It reads the same JSON routes a script would
 * (console/dev-console.ts lists them) and follows GET /console/events for live updates. Everything
 * it shows that came from a request (bodies, headers, reasons) is put in as text, never as HTML.
 * A state-changing request carries the token the page was served with.
 */
import type { JobTimeline, RequestRecord, TestEventResult, TimelineEvent, TimelineStep, VendorInfo as Vendor } from '../records';

interface DlqMessage {
  readonly messageId: string;
  readonly inFlight: boolean;
  readonly messageGroupId: string;
  readonly event: { id?: string; type?: string; data?: { jobId?: string; status?: string } } | string;
}
interface QuarantinedMessage {
  readonly messageId: string;
  readonly inFlight: boolean;
  readonly vendor?: string;
  readonly reason?: string;
  readonly receivedAt?: string;
  readonly replays?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const TOKEN = document.querySelector<HTMLMetaElement>('meta[name="video-webhooks-token"]')?.content ?? '';
const VIEWS = ['requests', 'jobs', 'queues', 'send'] as const;

const state = {
  requests: new Map<number, RequestRecord>(),
  jobs: new Map<string, JobTimeline>(),
  dlq: [] as DlqMessage[],
  quarantine: [] as QuarantinedMessage[],
  vendors: [] as Vendor[],
};

// ---------------------------------------------------------------- the views

function renderRequests(): void {
  const items = [...state.requests.values()].sort((a, b) => b.id - a.id);
  renderList(byId('requests'), items, (r) => String(r.id), requestRow);
  setCount('requests', items.length);
}

function requestRow(r: RequestRecord): HTMLElement {
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

function renderJobs(): void {
  const items = [...state.jobs.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  renderList(byId('jobs'), items, (j) => j.key, jobCard);
  setCount('jobs', items.length);
}

function jobCard(job: JobTimeline): HTMLElement {
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

function eventItem(e: TimelineEvent): HTMLElement {
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

function stepItem(s: TimelineStep): HTMLElement {
  const receive = s.receive === undefined ? '' : `receive ${s.receive} of ${s.maxReceives}: `;
  const what = { delivered: 'delivered', failed: 'failed', read: 'read', 'moved-to-dlq': 'moved to the DLQ', redriven: 'left the DLQ (redriven)' }[s.kind];
  return h('li', { class: `step step-${s.kind}` }, h('time', { datetime: s.at }, clock(s.at)), ` ${receive}${what}`, s.detail && h('span', { class: 'detail' }, ` (${s.detail})`));
}

function renderQueues(): void {
  renderList(byId('dlq'), state.dlq, (m) => m.messageId, dlqItem);
  renderList(byId('quarantine'), state.quarantine, (m) => m.messageId, quarantineItem);
  setCount('dlq', state.dlq.length);
  setCount('quarantine', state.quarantine.length);
  setCount('queues', state.dlq.length + state.quarantine.length, state.dlq.length + state.quarantine.length > 0);
}

function dlqItem(m: DlqMessage): HTMLElement {
  const event = typeof m.event === 'object' ? m.event : {};
  return h(
    'li',
    { class: 'message', 'data-message': m.messageId },
    h('div', { class: 'row' }, h('span', { class: 'type' }, event.type ?? 'not an event'), h('span', { class: 'field' }, `job ${m.messageGroupId}`), event.id && h('code', {}, event.id), m.inFlight && h('span', { class: 'state' }, 'in flight')),
    h('details', {}, h('summary', {}, `message ${m.messageId}`), h('pre', { class: 'body' }, typeof m.event === 'string' ? m.event : JSON.stringify(m.event, null, 2))),
  );
}

function quarantineItem(m: QuarantinedMessage): HTMLElement {
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

// ---------------------------------------------------------------- the actions

async function redrive(): Promise<void> {
  const out = byId('redrive-result');
  out.textContent = 'moving…';
  const { status, body } = await post('/dlq/redrive');
  const moved = (body as { moved?: number }).moved;
  out.textContent = status === 200 ? `moved ${moved} message${moved === 1 ? '' : 's'} back to the events queue` : errorOf(status, body);
  await loadQueues();
}

async function replay(): Promise<void> {
  const out = byId('replay-result');
  out.textContent = 'replaying…';
  const { status, body } = await post('/quarantine/replay');
  if (status !== 200) {
    out.textContent = errorOf(status, body);
  } else {
    const s = body as { received: number; delivered: Record<string, number>; requeued: number; ignored: number; failed: number; olderThanDedupeWindow: number; stoppedBecause: string };
    out.textContent = `${s.received} received: ${s.delivered.enqueued} enqueued, ${s.delivered.duplicate} duplicate, ${s.requeued} sent back, ${s.ignored} ignored, ${s.olderThanDedupeWindow} too old, ${s.failed} failed (stopped: ${s.stoppedBecause})`;
  }
  await loadQueues();
}

async function send(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const out = byId('send-result');
  out.textContent = 'sending…';
  const input = {
    vendor: byId<HTMLSelectElement>('send-vendor').value,
    event: byId<HTMLSelectElement>('send-event').value,
    jobId: byId<HTMLInputElement>('send-job').value.trim(),
    wrongSecret: byId<HTMLInputElement>('send-wrong').checked,
  };
  const { status, body } = await post('/console/send', input);
  if (status !== 200) {
    out.textContent = errorOf(status, body);
    return;
  }
  const r = body as TestEventResult;
  out.textContent = `${r.vendor} ${r.event}${r.jobId ? `, job ${r.jobId}` : ''}: answered ${r.statusCode} ${JSON.stringify(r.answer)}`;
}

function renderSendForm(): void {
  const vendorSelect = byId<HTMLSelectElement>('send-vendor');
  const chosen = vendorSelect.value;
  vendorSelect.replaceChildren(...state.vendors.map((v) => h('option', { value: v.id }, v.secretSet ? v.title : `${v.title} (no secret set)`)));
  if (state.vendors.some((v) => v.id === chosen)) vendorSelect.value = chosen;
  renderEvents();
}

function renderEvents(): void {
  const vendor = state.vendors.find((v) => v.id === byId<HTMLSelectElement>('send-vendor').value);
  const eventSelect = byId<HTMLSelectElement>('send-event');
  const chosen = eventSelect.value;
  eventSelect.replaceChildren(...(vendor?.sampleEvents ?? []).map((e) => h('option', { value: e }, e)));
  if (vendor?.sampleEvents.includes(chosen)) eventSelect.value = chosen;
  byId('send-secret').textContent = vendor === undefined ? '' : vendor.secretSet ? `Signed with ${vendor.secretVariable}.` : `${vendor.secretVariable} is not set: only a wrongly signed request can be sent (set it and start video-webhooks dev again).`;
}

// ---------------------------------------------------------------- loading and live updates

async function loadAll(): Promise<void> {
  const [requests, jobs, vendors] = await Promise.all([getJson<RequestRecord[]>('/console/requests'), getJson<JobTimeline[]>('/console/jobs'), getJson<Vendor[]>('/console/vendors')]);
  state.requests = new Map(requests.map((r) => [r.id, r]));
  state.jobs = new Map(jobs.map((j) => [j.key, j]));
  state.vendors = vendors;
  renderRequests();
  renderJobs();
  renderSendForm();
  await loadQueues();
}

async function loadQueues(): Promise<void> {
  const [dlq, quarantine] = await Promise.all([getJson<DlqMessage[]>('/dlq'), getJson<QuarantinedMessage[]>('/quarantine')]);
  state.dlq = dlq;
  state.quarantine = quarantine;
  renderQueues();
}

function follow(): void {
  const live = byId('live');
  const source = new EventSource('/console/events');
  source.addEventListener('open', () => {
    live.textContent = 'live';
    live.className = 'live on';
    // Whatever happened while not listening (first load, a restart): read it all again.
    void loadAll().catch(() => undefined);
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  });
  source.addEventListener('request', (m) => {
    const r = JSON.parse((m as MessageEvent<string>).data) as RequestRecord;
    state.requests.set(r.id, r);
    renderRequests();
  });
  source.addEventListener('job', (m) => {
    const j = JSON.parse((m as MessageEvent<string>).data) as JobTimeline;
    state.jobs.set(j.key, j);
    renderJobs();
  });
  source.addEventListener('queues', () => void loadQueues().catch(() => undefined));
}

function showView(): void {
  const wanted = location.hash.slice(1);
  const view = (VIEWS as readonly string[]).includes(wanted) ? wanted : 'requests';
  for (const v of VIEWS) byId(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------- helpers

type Child = Node | string | null | undefined | false;

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

const rendered = new WeakMap<HTMLElement, Map<string, { json: string; el: HTMLElement }>>();

/** Puts one element per item in `list`, in order, keeping the elements of unchanged items (and their open details). */
function renderList<T>(list: HTMLElement, items: readonly T[], key: (item: T) => string, render: (item: T) => HTMLElement): void {
  const before = rendered.get(list) ?? new Map<string, { json: string; el: HTMLElement }>();
  const after = new Map<string, { json: string; el: HTMLElement }>();
  for (const item of items) {
    const k = key(item);
    const json = JSON.stringify(item);
    const kept = before.get(k);
    after.set(k, kept && kept.json === json ? kept : { json, el: render(item) });
  }
  list.replaceChildren(...[...after.values()].map((v) => v.el));
  rendered.set(list, after);
  const empty = document.querySelector<HTMLElement>(`[data-empty="${list.id}"]`);
  if (empty) empty.hidden = items.length > 0;
}

function setCount(name: string, n: number, warn = false): void {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-count="${name}"]`)) {
    el.textContent = String(n);
    el.classList.toggle('warn', warn);
  }
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function errorOf(status: number, body: unknown): string {
  return `${status}: ${typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : JSON.stringify(body)}`;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return (await res.json()) as T;
}

async function post(path: string, input?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'x-video-webhooks-token': TOKEN };
  if (input !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(path, { method: 'POST', headers, body: input === undefined ? undefined : JSON.stringify(input) });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.status, body: text };
    }
  } catch (err) {
    return { status: 0, body: { error: `could not reach the dev server (${(err as Error).message})` } };
  }
}

// ---------------------------------------------------------------- start

window.addEventListener('hashchange', showView);
byId('redrive').addEventListener('click', () => void redrive());
byId('replay').addEventListener('click', () => void replay());
byId<HTMLFormElement>('send-form').addEventListener('submit', (e) => void send(e));
byId('send-vendor').addEventListener('change', renderEvents);
document.addEventListener('click', (e) => {
  const job = (e.target as HTMLElement).closest<HTMLElement>('a[data-job]')?.dataset.job;
  // After the view switches: the job's card into view.
  if (job) setTimeout(() => document.querySelector(`li.job[data-job="${CSS.escape(job)}"]`)?.scrollIntoView({ block: 'start' }), 0);
});
showView();
follow();
