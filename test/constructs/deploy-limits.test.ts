/**
 * What an account or a template can hold, checked at synth time (issue 18, finding 11): the
 * functions' runtime, the quarantine queue policy's size at many vendors, reserved concurrency
 * over the account's pool, and CloudFormation's resources per stack.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Vendor, VideoWebhookIngestion, type VideoWebhookIngestionProps } from '../../lib';
import { ACCOUNT, REGION } from '../support/apps';
import type { SynthTemplate } from '../support/template-values';

function ingestionStack(props: Partial<VideoWebhookIngestionProps> = {}): Stack {
  const stack = new Stack(new App(), 'Limits', { env: { account: ACCOUNT, region: REGION } });
  new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'SyncWebhook') })], ...props });
  return stack;
}

const runtimes = (stack: Stack) => {
  const template = Template.fromStack(stack).toJSON() as SynthTemplate;
  return [...new Set(Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && /^Webhooks(Verifiers|Poller)/.test(id)).map(([, r]) => r.Properties?.Runtime))];
};

describe('the functions\' runtime', () => {
  it('is Node.js 24 by default, Node.js 22 being deprecated by Lambda on 2027-04-30', () => {
    expect(runtimes(ingestionStack())).toEqual(['nodejs24.x']);
  });

  it('can be set to another Node.js 22 or later', () => {
    expect(runtimes(ingestionStack({ runtime: lambda.Runtime.NODEJS_22_X }))).toEqual(['nodejs22.x']);
  });

  it('accepts lambda.Runtime.NODEJS_LATEST while it names Node.js 24', () => {
    expect(runtimes(ingestionStack({ runtime: lambda.Runtime.NODEJS_LATEST }))).toEqual(['nodejs24.x']);
  });

  it.each([lambda.Runtime.NODEJS_20_X, lambda.Runtime.PYTHON_3_12, new lambda.Runtime('nodejs.x', lambda.RuntimeFamily.NODEJS)])('refuses %s, older than Node.js 22 or not Node.js, saying which to use', (runtime) => {
    expect(() => ingestionStack({ runtime })).toThrow(`runtime ${runtime.name} is not supported: the functions' bundles are built for Node.js 22 and tested on Node.js 22 and 24; use lambda.Runtime.NODEJS_24_X (the default) or lambda.Runtime.NODEJS_22_X`);
  });

  it.each(['nodejs23.x', 'nodejs26.x'])('refuses %s, a Node.js major the bundles are not tested on (Lambda does not promise compatibility between majors)', (name) => {
    expect(() => ingestionStack({ runtime: new lambda.Runtime(name, lambda.RuntimeFamily.NODEJS) })).toThrow(`runtime ${name} is not supported: the functions' bundles are built for Node.js 22 and tested on Node.js 22 and 24; use lambda.Runtime.NODEJS_24_X (the default) or lambda.Runtime.NODEJS_22_X`);
  });
});
