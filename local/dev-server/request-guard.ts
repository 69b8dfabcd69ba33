/**
 * Who may use the dev server's inspection and state-changing routes (`POST /jobs`,
 * `GET /quarantine`, `GET /dlq`, `POST /dlq/redrive`, `POST /archive/replay`, and the console's:
 * `GET /`, `/console/*`, `POST /quarantine/replay`). Listening on loopback keeps other machines
 * out, not web pages in the developer's browser:
 * - DNS rebinding: a page on attacker.example re-resolves its own name to 127.0.0.1 and reads
 *   `GET /quarantine` as same-origin; its requests still carry `Host: attacker.example`. So `Host`
 *   must be a loopback name with this server's port (or a name given with `--allow-host`).
 * - Cross-site requests: any page can send a "simple" POST (text/plain, no preflight) to
 *   localhost; the browser adds `Origin`. So `Origin`, when present, must be this server's own, and
 *   `POST /jobs` and `POST /archive/replay` take only `application/json` (a content type a page cannot send cross-site
 *   without a CORS preflight, which this server never answers).
 * - A page of this origin that is not this run's (an old tab of whatever listened on this port
 *   before): a state-changing request from a browser (one with `Origin` or `Sec-Fetch-Site`, which
 *   browsers add and pages cannot remove) must also carry this run's token in
 *   `x-video-webhooks-token`, which only the console page served by this run holds. A custom
 *   header also makes any cross-origin request a CORS preflight, which this server never answers.
 *   Requests from curl and scripts carry neither header and need no token.
 * `POST /webhooks/*` and `GET /healthz` are not checked: vendors reach them through tunnels, with
 * the tunnel's `Host`, and the webhook's own authentication is what protects them.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DevServerStartError } from './start-errors';

export interface HostRule {
  /** Host names admitted beside the loopback ones (`--allow-host`), in lower case, any port. */
  readonly allowHosts: readonly string[];
  /** This run's token (the console page's): a state-changing request from a browser must carry it. @default - no token asked */
  readonly token?: string;
}

/** The header a browser's state-changing request carries this run's token in. */
export const TOKEN_HEADER = 'x-video-webhooks-token';

/** Why this request may not use a guarded route (for a 403), or undefined when it may. */
export function forbiddenBecause(req: IncomingMessage, rule: HostRule): string | undefined {
  const host = req.headers.host ?? '';
  if (!admittedHost(host, req.socket.localPort, rule)) {
    return `Host ${host || '(none)'} is not this dev server: only localhost, 127.0.0.1 or [::1] with port ${req.socket.localPort} reach the inspection and job routes (a guard against DNS rebinding); to use them through a tunnel, pass --allow-host <its host name>`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, host)) {
    return `Origin ${origin} is another site: the inspection and job routes answer only requests without Origin (curl, scripts) or from this server's own pages`;
  }
  const fromBrowser = origin !== undefined || req.headers['sec-fetch-site'] !== undefined;
  if (rule.token !== undefined && fromBrowser && !SAFE_METHODS.has(req.method ?? '') && !sameToken(req.headers[TOKEN_HEADER], rule.token)) {
    return `a ${req.method} from a browser needs this run's token in ${TOKEN_HEADER}: only the console page this dev server serves (GET /) has it; reload it if the dev server restarted`;
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function sameToken(sent: string | string[] | undefined, token: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a JSON route refuses this request's content type (for a 415), or undefined. */
export function notJsonBecause(req: IncomingMessage, route: string): string | undefined {
  const type = req.headers['content-type'];
  if (type?.split(';')[0].trim().toLowerCase() === 'application/json') return undefined;
  return `${route} takes content-type application/json (got ${type ?? 'none'}): e.g. curl -H 'content-type: application/json' -d '{"vendor":"<vendor>","jobId":"<job id>"}'`;
}

/** The `--allow-host` names, checked and in lower case; a start error for one that is not a host name. */
export function allowHosts(names: readonly string[] = []): string[] {
  return names.map((name) => {
    if (!HOST_NAME.test(name)) {
      throw new DevServerStartError(`--allow-host ${JSON.stringify(name)} is not a host name: give the name alone, as the tunnel's URL shows it (e.g. --allow-host abc123.ngrok.app)`);
    }
    return name.toLowerCase();
  });
}

/** Dot-separated labels of letters, digits and inner hyphens (RFC 1123), at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** The names a browser sends for this machine's loopback (an IPv6 literal in brackets, as in a URL). */
function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function admittedHost(host: string, port: number | undefined, rule: HostRule): boolean {
  const parsed = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (!parsed) return false;
  const [, hostname, portText] = parsed;
  if (rule.allowHosts.includes(hostname)) return true;
  // Without a port, Host means port 80 (RFC 9110 7.2, the http scheme's default).
  return isLoopbackName(hostname) && Number(portText ?? 80) === port;
}

/** The Origin names the same scheme-less authority as Host (http on loopback, https through a tunnel). */
function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false; // `null` (a sandboxed frame, a file: page) or not a URL
  }
}
