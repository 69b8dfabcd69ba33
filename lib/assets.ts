import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The handler bundles `npm run build` writes to `assets/<name>/index.js`. */
export type HandlerName = 'verifier' | 'poller' | 'archive-replay';

/**
 * The directory of a pre-built handler bundle. The package ships `assets/` at its root; this file
 * runs from `dist/lib/` in the published package and from `lib/` under tsx or jest.
 */
export function handlerAssetDir(handler: HandlerName): string {
  const candidates = [join(__dirname, '..', 'assets', handler), join(__dirname, '..', '..', 'assets', handler)];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.js')));
  if (!found) {
    throw new Error(
      `the ${handler} handler bundle is missing (looked for index.js in ${candidates.join(' and ')}): ` +
        'run "npm run build" in the cdk-video-webhooks package (the published package ships it prebuilt)',
    );
  }
  return found;
}
