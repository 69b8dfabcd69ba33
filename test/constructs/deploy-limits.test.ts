/**
 * What an account or a template can hold, checked at synth time (issue 18, finding 11): the
 * functions' runtime, the quarantine queue policy's size at many vendors, reserved concurrency
 * over the account's pool, and CloudFormation's resources per stack.
 */
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Vendor, VideoWebhookIngestion, WebhookAuth, WebhookQuarantineQueue, type VideoWebhookIngestionProps } from '../../lib';
import { ACCOUNT, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

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

/** `n` custom vendors with imported secrets (no resources of their own), with ids as long as allowed, so role names and ARNs are as long as CloudFormation makes them. */
function manyVendorsStack(n: number, props: Partial<VideoWebhookIngestionProps> = {}): Stack {
  const stack = new Stack(new App(), 'VideoWebhooksProduction', { env: { account: ACCOUNT, region: REGION } });
  const vendors = Array.from({ length: n }, (_, i) => {
    const id = `vendor-${String(i).padStart(2, '0')}-${'x'.repeat(22)}`;
    return Vendor.custom({
      id,
      webhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, `Secret${i}`, `video/${id}/webhook`),
      adapterOptions: { auth: WebhookAuth.hmac({ signatureHeader: 'x-signature' }), paths: { jobId: 'data.id', status: 'data.status' }, statusMap: { done: 'succeeded' } },
    });
  });
  new VideoWebhookIngestion(stack, 'Webhooks', { vendors, ...props });
  return stack;
}

/**
 * The most vendors one VideoWebhookIngestion can have in a stack of its own: 9 resources a vendor,
 * 42 besides (26, the archive's 11 and its replay function's 5: issue 22), 492 resources; 52 with
 * `archive: false`.
 */
const MOST_VENDORS_IN_A_STACK = 50;

describe('the quarantine queue policy', () => {
  /** The quarantine's queue policy as CloudFormation resolves it (generated role names at their 64 characters), and its size as SQS counts it. */
  function quarantinePolicy(stack: Stack) {
    const template = Template.fromStack(stack).toJSON() as SynthTemplate;
    const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: stack.stackName });
    const [policy] = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::SQS::QueuePolicy' && id.startsWith('WebhooksQuarantinePolicy')).map(([, r]) => values.resolve(r.Properties?.PolicyDocument));
    const deny = (policy as { Statement: Array<{ Sid?: string; Condition?: { ArnNotEquals: { 'aws:PrincipalArn': string[] } } }> }).Statement.find((s) => s.Sid === 'OnlyGrantedSendersMayQuarantine')!;
    return { bytes: Buffer.byteLength(JSON.stringify(policy)), senders: deny.Condition!.ArnNotEquals['aws:PrincipalArn'] };
  }

  // SQS takes a policy of at most 8,192 bytes: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
  it.each([20, MOST_VENDORS_IN_A_STACK])('names every sender\'s role and stays under SQS\'s 8,192 bytes at %d vendors', (n) => {
    const { bytes, senders } = quarantinePolicy(manyVendorsStack(n));
    expect(senders).toHaveLength(n + 2); // the verifiers, the poller, the account's root
    expect(senders.filter((arn) => /^arn:aws:iam::123456789012:role\/.{64}$/.test(arn))).toHaveLength(n + 1);
    expect(bytes).toBeLessThan(8192);
  });

  /** A quarantine queue granted to `n` roles with generated names at their 64 characters, as CloudFormation makes them. */
  function sendersStack(n: number): Stack {
    const stack = new Stack(new App(), 'VideoWebhooksProduction', { env: { account: ACCOUNT, region: REGION } });
    const quarantine = new WebhookQuarantineQueue(stack, 'Quarantine');
    for (let i = 0; i < n; i++) quarantine.grantQuarantine(new iam.Role(stack, `RenderingServiceSender${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    return stack;
  }

  it('fails the synth when its granted senders make it over 8,192 bytes, saying its size and what to do', () => {
    // As CloudFormation would resolve it, it is indeed over (synthesized here without the check).
    const unchecked = (Stage.of(sendersStack(85)) as App).synth({ skipValidation: true }).getStackByName('VideoWebhooksProduction').template as SynthTemplate;
    const values = new TemplateValues(unchecked, { account: ACCOUNT, region: REGION, stackName: 'VideoWebhooksProduction' });
    const [document] = Object.values(unchecked.Resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy').map((r) => values.resolve(r.Properties?.PolicyDocument));
    expect(Buffer.byteLength(JSON.stringify(document))).toBeGreaterThan(8192);
    expect(() => Template.fromStack(sendersStack(85))).toThrow(
      /\[VideoWebhooksProduction\/Quarantine\] the quarantine queue's policy would be about 1\d{4} bytes \(88 values known only at deploy time counted as 128 bytes each\): SQS takes at most 8192 bytes; it names each of the 85 principals granted grantQuarantine: grant fewer principals/,
    );
  });
});

describe('reserved concurrency', () => {
  // An account reserves at most its concurrency quota (1,000 by default) minus the 100 Lambda keeps unreserved:
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
  it('warns when the verifiers together reserve more than the 900 executions a default account can, saying how much and what to do', () => {
    const annotations = Annotations.fromStack(manyVendorsStack(4, { reservedConcurrency: 250 }));
    annotations.hasWarning('/VideoWebhooksProduction/Webhooks', Match.stringLikeRegexp(
      'reservedConcurrency 250 on each of the 4 verifier functions reserves 1000 concurrent executions: an account can reserve its concurrency quota minus 100 \\(900 of the default 1,000 per region, fewer for what its other functions reserve\\), so the deploy would fail; lower reservedConcurrency to 225 or less, or raise the account\'s "Concurrent executions" quota in Service Quotas first',
    ));
  });

  it.each([[4, 225], [4, undefined], [1, 900]])('does not warn at %d vendors reserving %s each', (n, reservedConcurrency) => {
    Annotations.fromStack(manyVendorsStack(n, { reservedConcurrency })).hasNoWarning('*', Match.stringLikeRegexp('reservedConcurrency'));
  });
});

describe('the stack\'s resource count', () => {
  // CloudFormation takes at most 500 resources in a stack: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  const resourceCount = (stack: Stack) => Object.keys((Template.fromStack(stack).toJSON() as SynthTemplate).Resources).length;

  it(`holds ${MOST_VENDORS_IN_A_STACK} vendors in a stack of their own: 492 resources, the archive's 11 and its replay function's 5 among them`, () => {
    expect(resourceCount(manyVendorsStack(MOST_VENDORS_IN_A_STACK))).toBe(492);
  });

  it('holds 52 vendors with archive: false: 494 resources', () => {
    expect(resourceCount(manyVendorsStack(52, { archive: false }))).toBe(494);
  });

  it('fails the synth past 500 with how many, whose, and what to do', () => {
    expect(() => Template.fromStack(manyVendorsStack(MOST_VENDORS_IN_A_STACK + 1))).toThrow(
      '[VideoWebhooksProduction/Webhooks] stack VideoWebhooksProduction has 501 resources: CloudFormation takes at most 500 in a stack; ' +
        'VideoWebhookIngestion Webhooks makes 501 of them (9 for each of its 51 vendors), the rest of the stack 0; this stack holds 50 of its vendors: ' +
        'split the vendors over two VideoWebhookIngestion constructs in two stacks (each has its own API, so a vendor moved gets a new webhook URL), or move other resources out of this stack',
    );
  });

  it('counts the rest of the stack too', () => {
    const stack = manyVendorsStack(4);
    for (let i = 0; i < 429; i++) new sqs.Queue(stack, `Other${i}`);
    expect(() => Template.fromStack(stack)).toThrow(
      'stack VideoWebhooksProduction has 507 resources: CloudFormation takes at most 500 in a stack; VideoWebhookIngestion Webhooks makes 78 of them (9 for each of its 4 vendors), the rest of the stack 429; this stack holds 3 of its vendors',
    );
  });
});

describe('the quarantine\'s retention and the dedupe window', () => {
  // A replayed request older than the dedupe window stays in the quarantine (reason olderThanDedupeWindow): its job's records may have expired.
  const replayWarning = Match.stringLikeRegexp('quarantined request can be replayed');

  it('warns when the dedupe window is under a day, too short to fix an adapter and replay, saying what happens and what to do', () => {
    Annotations.fromStack(manyVendorsStack(1, { dedupeWindow: Duration.minutes(10) })).hasWarning('/VideoWebhooksProduction/Webhooks', Match.stringLikeRegexp(
      'dedupeWindow 10 minutes is under a day: a quarantined request can be replayed only within 10 minutes of its arrival, and the quarantine keeps it 14 days, ' +
        'so in practice none can be replayed after an adapter fix: the replay leaves them in the quarantine \\(reason olderThanDedupeWindow\\) until they expire; raise dedupeWindow to a day or more',
    ));
  });

  it('warns for an existing quarantine queue too, whose retention it cannot read', () => {
    const stack = new Stack(new App(), 'Existing', { env: { account: ACCOUNT, region: REGION } });
    new VideoWebhookIngestion(stack, 'Webhooks', {
      vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'SyncWebhook') })],
      dedupeWindow: Duration.hours(12),
      quarantine: { existingQueue: new sqs.Queue(stack, 'Quarantine', { fifo: true }) },
    });
    Annotations.fromStack(stack).hasWarning('/Existing/Webhooks', Match.stringLikeRegexp(
      'dedupeWindow 12 hours is under a day: a quarantined request can be replayed only within 12 hours of its arrival, and the existing quarantine queue keeps it for its own retention',
    ));
  });

  it.each([
    ['the defaults (14 days kept, a 7-day window: documented, as an info could not be acknowledged)', {}],
    ['a window of a day', { dedupeWindow: Duration.days(1) }],
    ['a short window the quarantine does not outlive', { dedupeWindow: Duration.hours(1), quarantine: { retentionPeriod: Duration.hours(1) } }],
  ] as Array<[string, Partial<VideoWebhookIngestionProps>]>)('says nothing with %s', (_name, props) => {
    const annotations = Annotations.fromStack(manyVendorsStack(1, props));
    annotations.hasNoWarning('*', replayWarning);
    annotations.hasNoInfo('*', replayWarning);
  });
});
