/**
 * The dev console page: plain DOM, no framework, bundled by `npm run build` (scripts/build.mjs)
 * into dist/local/dev-server/console/assets/console.js. It reads the same JSON routes a script would
 * (console/dev-console.ts lists them) and follows GET /console/events for live updates. Everything
 * it shows that came from a request (bodies, headers, reasons) is put in as text, never as HTML.
 * A state-changing request carries the token the page was served with.
 */
import type { JobTimeline, RequestRecord, TestEventResult, VendorInfo as Vendor } from '../records';
import { byId, errorOf, h, renderList, setCount } from './dom';
import { dlqItem, jobCard, quarantineItem, requestRow, type DlqMessage, type QuarantinedMessage } from './views';

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

function renderJobs(): void {
  const items = [...state.jobs.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  renderList(byId('jobs'), items, (j) => j.key, jobCard);
  setCount('jobs', items.length);
}

function renderQueues(): void {
  renderList(byId('dlq'), state.dlq, (m) => m.messageId, dlqItem);
  renderList(byId('quarantine'), state.quarantine, (m) => m.messageId, quarantineItem);
  setCount('dlq', state.dlq.length);
  setCount('quarantine', state.quarantine.length);
  setCount('queues', state.dlq.length + state.quarantine.length, state.dlq.length + state.quarantine.length > 0);
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
