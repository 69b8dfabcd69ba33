/**
 * The console page's files, as `npm run build` writes them (scripts/build.mjs, from
 * local/dev-server/console/page/) to dist/local/dev-server/console/assets/: `index.html`,
 * `console.js`, `console.css`. Read once, served from memory. The page gets the run's token in a
 * `<meta>` tag, and headers that keep it to itself: its own scripts and styles only, no framing
 * (clickjacking the redrive button), no caching (the token changes each run).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

/** Where the built page is: beside this file once built, or in dist/ when this file runs from source. */
const CANDIDATES = [join(__dirname, 'assets'), join(__dirname, '..', '..', '..', 'dist', 'local', 'dev-server', 'console', 'assets')];

/** The placeholder in page/index.html that the run's token replaces. */
const TOKEN_PLACEHOLDER = '__VIDEO_WEBHOOKS_TOKEN__';

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface PageAssets {
  /** Answers `file` (`index.html`, `console.js`, `console.css`); a 503 saying how to build it when the page is not built. */
  serve(res: ServerResponse, file: string): void;
}

export function pageAssets(token: string): PageAssets {
  let files: Map<string, Buffer> | undefined;
  const load = (): Map<string, Buffer> | undefined => {
    const dir = CANDIDATES.find((d) => existsSync(join(d, 'index.html')));
    if (!dir) return undefined;
    return new Map(
      Object.keys(TYPES).map((name) => {
        const bytes = readFileSync(join(dir, name));
        return [name, name === 'index.html' ? Buffer.from(bytes.toString('utf8').replaceAll(TOKEN_PLACEHOLDER, token)) : bytes];
      }),
    );
  };
  return {
    serve(res, file) {
      files ??= load();
      const bytes = files?.get(file);
      if (!bytes) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the console page is not built: run npm run build (it writes dist/local/dev-server/console/assets/)' }));
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[file], 'content-length': bytes.length, ...SECURITY_HEADERS }).end(bytes);
    },
  };
}
