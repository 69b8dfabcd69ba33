import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const libDir = join(__dirname, '..', '..', 'lib');

describe('lib/ (the CDK API)', () => {
  it('imports from lambda/ only the deployment contract and the event types, never runtime code', () => {
    const allowed = new Set(['../lambda/config', '../lambda/core/event']);
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
