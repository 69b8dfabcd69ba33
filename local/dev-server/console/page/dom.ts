/** The page's DOM helpers: elements built from text (never parsed HTML), keyed lists, small formats. */

export type Child = Node | string | null | undefined | false;

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

const rendered = new WeakMap<HTMLElement, Map<string, { json: string; el: HTMLElement }>>();

/** Puts one element per item in `list`, in order, keeping the elements of unchanged items (and their open details). */
export function renderList<T>(list: HTMLElement, items: readonly T[], key: (item: T) => string, render: (item: T) => HTMLElement): void {
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

export function setCount(name: string, n: number, warn = false): void {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-count="${name}"]`)) {
    el.textContent = String(n);
    el.classList.toggle('warn', warn);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function errorOf(status: number, body: unknown): string {
  return `${status}: ${typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : JSON.stringify(body)}`;
}
