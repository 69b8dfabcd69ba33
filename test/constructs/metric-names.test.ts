/**
 * The metric names and the namespace are defined once, in lambda/contract/metrics.ts: everything
 * else (the emitter's port and the delivery core, the alarms, the dashboard, the access-log metric
 * filters) reads them from there. A name written out anywhere else in lambda/ or lib/ is a second
 * definition, with two exceptions: the first argument of `telemetry.count(...)`, which the compiler
 * checks against the contract's `MetricName`, and a construct id that happens to be the same word. Found with the TypeScript parser, so comments and
 * identifiers do not count, string literals and literal types do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { METRIC_NAMESPACE, METRICS } from '../../lambda/contract/metrics';

const root = join(__dirname, '..', '..');
const CONTRACT = 'lambda/contract/metrics.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.generated.ts') ? [path] : [];
  });
}

/** `file:line 'Name'` of every metric name written as a string outside `telemetry.count(name, ...)`. */
function definitionsOutsideTheContract(names: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const file of [...sourceFiles('lambda'), ...sourceFiles('lib')]) {
    if (file === CONTRACT) continue;
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && names.has(node.text) && !isCountedName(node)) {
        found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} '${node.text}'`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * The first argument of a `.count(...)` call, typed by the contract's `MetricName`; or a construct
 * id (`new cloudwatch.Alarm(scope, 'PollAuthErrors', ...)`), which only shares the word.
 */
function isCountedName(node: ts.Node): boolean {
  const call = node.parent;
  if (ts.isNewExpression(call)) return call.arguments?.[1] === node;
  return ts.isCallExpression(call) && call.arguments[0] === node && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'count';
}

describe('the metric names', () => {
  it('and the namespace are written once, in the contract; the rest of lambda/ and lib/ reads them from it', () => {
    const names = new Set<string>([METRIC_NAMESPACE, ...Object.values(METRICS)]);
    expect(names.size).toBeGreaterThan(20); // it did read the contract
    expect(definitionsOutsideTheContract(names)).toEqual([]);
  });
});
