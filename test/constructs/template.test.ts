/**
 * Checks over the synthesized templates of the example app and of a large app (test/support/apps.ts),
 * with tokens resolved to realistic values (test/support/template-values.ts): what only a real
 * `cdk deploy` or real traffic would otherwise show.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { LAMBDA_ENVIRONMENT_MAX_BYTES } from '../../lambda/contract/aws-limits';
import { ACCOUNT, exampleStack, largeStack, REGION, type BuiltApp } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

interface Checked {
  readonly app: BuiltApp;
  readonly template: SynthTemplate;
  readonly values: TemplateValues;
}

const apps: Checked[] = [exampleStack(), largeStack()].map((app) => {
  const template = Template.fromStack(app.stack).toJSON() as SynthTemplate;
  return { app, template, values: new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: app.stack.stackName }) };
});

/** The pipeline's own functions (verifiers and poller), by logical id. */
function pipelineFunctions({ template }: Checked): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && /^Webhooks(Verifiers|Poller)/.test(id))
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

describe.each(apps.map((c) => [c.app.name, c] as const))('the %s', (_name, checked) => {
  it("keeps every function's environment, tokens resolved, under Lambda's 4 KB", () => {
    const sizes = Object.fromEntries(
      pipelineFunctions(checked).map(([id, props]) => {
        const variables = checked.values.resolve((props.Environment as { Variables?: object } | undefined)?.Variables ?? {}) as Record<string, string>;
        return [id, Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0)];
      }),
    );
    console.log(`${checked.app.name}: environment bytes per function ${JSON.stringify(sizes)}`);
    expect(Object.entries(sizes).filter(([, bytes]) => bytes > LAMBDA_ENVIRONMENT_MAX_BYTES)).toEqual([]);
  });
});
