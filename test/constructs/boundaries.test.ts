import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const libDir = join(__dirname, '..', '..', 'lib');

describe('lib/ (the CDK API)', () => {
  it('imports from lambda/ only the deployment contract, the event types and the generic options check, never runtime code', () => {
    // The deployment contract (environment, table schema), the event types, and the generic
    // adapter's options (types and a pure check, shared so synth and cold start agree).
    const allowed = new Set(['../lambda/config', '../lambda/core/event', '../lambda/vendors/generic-options']);
    const offending: string[] = [];
    for (const file of readdirSync(libDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(libDir, file), 'utf8');
      for (const [, spec] of source.matchAll(/from\s+'([^']+)'/g)) {
        if (spec.includes('lambda/') && !allowed.has(spec)) offending.push(`${file}: ${spec}`);
        if (spec.startsWith('@aws-sdk/') || spec === 'esbuild') offending.push(`${file}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
