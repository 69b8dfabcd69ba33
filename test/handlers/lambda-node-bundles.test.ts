/**
 * Each prebuilt bundle, as the example app stages it, loads with its template environment and
 * answers on the Node.js of every Lambda runtime the construct accepts (22 and 24: the runtime its
 * functions declare among them), not only on this machine's Node: the asset directory cdk synth
 * wrote (the verifiers' and the poller's configuration files beside their code), every variable
 * the template sets resolved to realistic values, the table and queues created on the emulators
 * under the names the template gives them, the secrets under their ARNs on a local Secrets Manager
 * endpoint. Only the endpoints, the credentials and the queue URLs are local (fauxqs knows a queue
 * by the exact URL it made for it, where SQS takes any URL of the queue's account and name).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createJobTable } from '../../local/strict-aws/resources';
import { samplePayload, signRequest } from '../../lambda/vendors/samples';
import { ACCOUNT, exampleStack, REGION } from '../support/apps';
import { drainEvents, testEmulators } from '../support/emulators';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager';
import { LAMBDA_NODE_MAJORS, lambdaNode, majorOfRuntime } from '../support/lambda-node';
import { startLambda, type LambdaProcess } from '../support/lambda-process';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

jest.setTimeout(120_000);

const app = exampleStack();
const template = Template.fromStack(app.stack).toJSON() as SynthTemplate;
const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: app.stack.stackName });
const outdir = Stage.of(app.stack)!.outdir;

interface Deployed {
  readonly logicalId: string;
  readonly runtime: string;
  readonly handler: string;
  readonly assetDir: string;
  readonly environment: Record<string, string>;
}

/** The pipeline's functions as the template deploys them. */
function deployed(): Deployed[] {
  return Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && /^Webhooks(Verifiers|Poller)/.test(id))
    .map(([logicalId, r]) => {
      const props = r.Properties as { Runtime: string; Handler: string; Environment?: { Variables?: object } } & Record<string, unknown>;
      return {
        logicalId,
        runtime: props.Runtime,
        handler: props.Handler,
        assetDir: join(outdir, assetPathOf(logicalId)),
        environment: values.resolve(props.Environment?.Variables ?? {}) as Record<string, string>,
      };
    });
}

/** Where cdk synth staged a function's code (its `Code` asset), by the function's logical id. */
function assetPathOf(logicalId: string): string {
  const fn = app.stack.node.findAll().find((c): c is lambda.Function => c instanceof lambda.Function && app.stack.getLogicalId(c.node.defaultChild as lambda.CfnFunction) === logicalId);
  if (!fn) throw new Error(`no function ${logicalId}`);
  return (fn.node.findChild('Code') as unknown as { assetPath: string }).assetPath;
}

const queueNameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const SECRET = 'whsec_bundle_test_secret';

it('the functions declare a runtime whose Node.js the bundles are tested on', () => {
  for (const fn of deployed()) expect(LAMBDA_NODE_MAJORS).toContain(majorOfRuntime(fn.runtime));
});

const functions = deployed();
let secrets: FakeSecretsManager;
let aws: Record<string, string>;
/** A template queue URL to the URL the emulator made for the queue of that name. */
const localQueueUrl = new Map<string, string>();

// The table, queues and secrets the template names, once for every Node version.
beforeAll(async () => {
  const env = functions[0].environment;
  const emulators = testEmulators();
  await createJobTable(emulators.dynamoClient(), env.VW_TABLE_NAME);
  const sqs = emulators.sqsClient();
  for (const url of new Set(functions.flatMap((f) => [f.environment.VW_QUEUE_URL, f.environment.VW_QUARANTINE_QUEUE_URL]))) {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: queueNameOf(url), Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' } }));
    localQueueUrl.set(url, created.QueueUrl!);
  }
  // Every secret a function is given, under whatever variable: the webhook secrets' ids, the status-API keys.
  const secretArns = functions.flatMap((f) => Object.values(f.environment)).filter((v) => v.startsWith('arn:aws:secretsmanager:'));
  secrets = await startFakeSecretsManager(Object.fromEntries(secretArns.map((arn) => [arn, SECRET])));
  aws = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  };
});

afterAll(() => secrets?.close());

describe.each(LAMBDA_NODE_MAJORS)('the prebuilt bundles on Node.js %i, with the template environment', (major) => {
  const started: Array<LambdaProcess<unknown, unknown>> = [];

  beforeAll(() => {
    expect(execFileSync(lambdaNode(major), ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${major}\\.`));
  });

  afterAll(async () => {
    await Promise.all(started.map((fn) => fn.stop()));
  });

  /** One container: the function's code directory as Lambda's task root, its handler file, this Node. */
  async function container<E, R>(fn: Deployed): Promise<LambdaProcess<E, R>> {
    const [file] = fn.handler.split('.');
    const queues = { VW_QUEUE_URL: localQueueUrl.get(fn.environment.VW_QUEUE_URL)!, VW_QUARANTINE_QUEUE_URL: localQueueUrl.get(fn.environment.VW_QUARANTINE_QUEUE_URL)! };
    const container = await startLambda<E, R>(join(fn.assetDir, `${file}.js`), { ...aws, ...fn.environment, ...queues, LAMBDA_TASK_ROOT: fn.assetDir }, { execPath: lambdaNode(major) });
    started.push(container as LambdaProcess<unknown, unknown>);
    return container;
  }

  it.each(functions.filter((f) => f.logicalId.startsWith('WebhooksVerifiers')).map((f) => [f.logicalId, f] as const))(
    '%s answers a signed payload-2.0 webhook 200 and queues its event',
    async (_id, fn) => {
      expect(fn.environment.VW_VENDOR).toBeUndefined();
      const vendor = (JSON.parse(readFileSync(join(fn.assetDir, fn.environment.VW_VENDOR_FILE), 'utf8')) as { id: string }).id;
      const verifier = await container<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(fn);
      const now = Date.now();
      // One job per vendor and Node version: each run's webhook is a new event.
      const jobId = vendor === 'lipdub' ? `${major}022` : `job-node${major}-${vendor}`;
      const body = JSON.stringify(samplePayload(vendor, 'completed', jobId, now));
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: `POST /webhooks/${vendor}`,
        rawPath: `/webhooks/${vendor}`,
        rawQueryString: '',
        headers: { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(signRequest(vendor, body, SECRET, now)).map(([k, v]) => [k.toLowerCase(), v])) },
        requestContext: { http: { method: 'POST', path: `/webhooks/${vendor}` } } as APIGatewayProxyEventV2['requestContext'],
        body,
        isBase64Encoded: false,
      };
      const answer = await verifier.invoke(event);
      expect({ statusCode: answer.statusCode, body: answer.body }).toEqual({ statusCode: 200, body: JSON.stringify({ accepted: true, outcome: 'enqueued' }) });
      const queued = await drainEvents(testEmulators().sqsClient(), localQueueUrl.get(fn.environment.VW_QUEUE_URL)!);
      expect(queued.map((e) => [e.source, e.data.jobId])).toEqual([[`video-webhooks/${vendor}`, jobId]]);
      expect(verifier.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    },
  );

  it('the poller loads its configuration file from its task root and answers a scheduled run and a replay', async () => {
    const fn = functions.find((f) => f.logicalId.startsWith('WebhooksPoller'))!;
    expect(fn.environment.VW_POLLER_VENDORS_FILE).toBeDefined();
    const poller = await container<unknown, Record<string, unknown>>(fn);
    expect(await poller.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).toMatchObject({ polled: 0, errors: 0, failedVendors: [] });
    // (The runner gives 10 s of remaining time, inside the replay's safety margin: it stops at once.)
    expect(await poller.invoke({ action: 'replay-quarantine' })).toMatchObject({ received: 0, failed: 0 });
  });
});
