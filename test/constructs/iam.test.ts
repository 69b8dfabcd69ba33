/**
 * Every AWS call each handler can make is allowed by its function's policies in the synthesized
 * template, and nothing else is granted: checked with a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate) over the example app and the large app (customer KMS keys, secrets
 * imported by name and by ARN, an existing queue and table), KMS included.
 *
 * The calls are the SDK commands in each handler's bundle (found by bundling it with esbuild and
 * reading its sources), each with the resource it is made on; a command found in the code that
 * this file does not place fails the test, so a new call cannot ship without its permission.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { ACCOUNT, exampleStack, largeStack, REGION, type BuiltApp } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';
import { REGISTRATION_ATTRIBUTES } from '../../lambda/contract/deployment';

const root = join(__dirname, '..', '..');
type Handler = 'verifier' | 'poller';

/** The SDK commands in the sources a handler's bundle is made of. */
async function commandsIn(handler: Handler): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(root, 'lambda', 'handlers', `${handler}.ts`)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'error',
    absWorkingDir: root,
  });
  const commands = new Set<string>();
  for (const file of Object.keys(result.metafile.inputs).filter((f) => f.startsWith('lambda/'))) {
    const source = readFileSync(join(root, file), 'utf8');
    const service = /from '@aws-sdk\/client-([a-z-]+)'/.exec(source)?.[1];
    for (const [, name] of source.matchAll(/new (\w+)Command\(/g)) commands.add(`${IAM_PREFIX[service ?? ''] ?? service}:${name}`);
  }
  return commands;
}

const IAM_PREFIX: Record<string, string> = { dynamodb: 'dynamodb', sqs: 'sqs', 'secrets-manager': 'secretsmanager', firehose: 'firehose' };

/**
 * What each handler calls, and what its bundle contains but it never calls (the adapter files are
 * shared: the verifier bundles the DynamoDB store's index query and the quarantine reader, which
 * only the poller uses).
 */
const CALLED: Record<Handler, readonly string[]> = {
  verifier: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'sqs:SendMessage', 'secretsmanager:GetSecretValue', 'firehose:PutRecord'],
  poller: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'secretsmanager:GetSecretValue', 'firehose:PutRecord', 'firehose:PutRecordBatch'],
};
/**
 * The store's GetItem is registerJob's (the delivery path claims without reading: issue 20); the
 * archive's PutRecordBatch is a poll run's (a webhook writes one record: PutRecord).
 */
const BUNDLED_NOT_CALLED: Record<Handler, readonly string[]> = {
  verifier: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'firehose:PutRecordBatch'],
  poller: ['dynamodb:GetItem'],
};

/**
 * KMS calls each service makes with the caller's permissions on a customer key.
 * SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 * (producers kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt).
 * Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html (kms:Decrypt, through the service).
 * DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html (the table's key, through the service).
 */
const KMS_FOR: Record<string, readonly string[]> = {
  'sqs:SendMessage': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'sqs:ReceiveMessage': ['kms:Decrypt'],
  'sqs:DeleteMessage': [],
  'secretsmanager:GetSecretValue': ['kms:Decrypt'],
  'dynamodb:GetItem': ['kms:Decrypt'],
  'dynamodb:BatchGetItem': ['kms:Decrypt'],
  'dynamodb:Query': ['kms:Decrypt'],
  'dynamodb:PutItem': ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  'dynamodb:UpdateItem': ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  // The stream's buffer is encrypted with an AWS owned key: nothing of the caller's.
  'firehose:PutRecord': [],
  'firehose:PutRecordBatch': [],
};

/** What the Lambda service itself does with the function's role: write its logs. */
const LAMBDA_RUNTIME = ['logs:CreateLogStream', 'logs:PutLogEvents'];

interface Call {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

interface PipelineFunction {
  readonly id: string;
  readonly handler: Handler;
  readonly vendorId: string | undefined;
  readonly roleArn: string;
  readonly environment: Record<string, string>;
  readonly policies: Array<{ name: string; policy: { Statement: Array<Record<string, unknown>> } }>;
}

class CheckedApp {
  readonly template: SynthTemplate;
  readonly values: TemplateValues;

  constructor(readonly app: BuiltApp) {
    this.template = Template.fromStack(app.stack).toJSON() as SynthTemplate;
    this.values = new TemplateValues(this.template, { account: ACCOUNT, region: REGION, stackName: app.stack.stackName });
  }

  functions(only: RegExp = /^Webhooks(Verifiers|Poller)/): PipelineFunction[] {
    return Object.entries(this.template.Resources)
      .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && only.test(id))
      .map(([id, r]) => {
        const props = r.Properties ?? {};
        const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const policies = Object.entries(this.template.Resources)
          .filter(([, p]) => p.Type === 'AWS::IAM::Policy' && JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
          .map(([name, p]) => ({ name, policy: this.values.resolve(p.Properties?.PolicyDocument) as PipelineFunction['policies'][number]['policy'] }));
        const vendorId = /^WebhooksVerifiers(.+?)Function/.exec(id)?.[1];
        return {
          id,
          handler: id.startsWith('WebhooksPoller') ? ('poller' as const) : ('verifier' as const),
          vendorId,
          roleArn: this.values.getAtt(roleId, 'Arn'),
          environment: this.values.resolve((props.Environment as { Variables?: object })?.Variables ?? {}) as Record<string, string>,
          policies,
        };
      });
  }

  /** The resource policy of a resource ARN, when the template has one (queue policies, key policies). */
  resourcePolicy(resourceArn: string): unknown {
    for (const [id, r] of Object.entries(this.template.Resources)) {
      if (r.Type === 'AWS::SQS::QueuePolicy') {
        const queues = (r.Properties?.Queues as unknown[]).map((q) => queueArnOf(this.values.text(q)));
        if (queues.includes(resourceArn)) return this.values.resolve(r.Properties?.PolicyDocument);
      }
      if (r.Type === 'AWS::KMS::Key' && this.values.getAtt(id, 'Arn') === resourceArn) return this.values.resolve(r.Properties?.KeyPolicy);
    }
    // A key imported by ARN (of a security account or another stack): the key policy AWS gives a
    // key by default, which lets the account's IAM policies allow its use.
    if (resourceArn.startsWith(`arn:aws:kms:${REGION}:`)) return defaultKeyPolicy(resourceArn.split(':')[4]);
    return undefined;
  }

  /** The customer key of a queue or table ARN, or of a secret (from the construct), if any. */
  keyOf(resourceArn: string, vendorSecretKey: string | undefined): string | undefined {
    if (resourceArn.includes(':secretsmanager:')) return vendorSecretKey;
    for (const [id, r] of Object.entries(this.template.Resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::SQS::Queue' && this.values.getAtt(id, 'Arn') === resourceArn && p.KmsMasterKeyId) return keyArn(this.values.text(p.KmsMasterKeyId));
      if (r.Type === 'AWS::DynamoDB::Table' && resourceArn.startsWith(this.values.getAtt(id, 'Arn'))) {
        const sse = p.SSESpecification as { KMSMasterKeyId?: unknown } | undefined;
        if (sse?.KMSMasterKeyId) return keyArn(this.values.text(sse.KMSMasterKeyId));
      }
    }
    return undefined;
  }
}

/** https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam */
function defaultKeyPolicy(account: string): unknown {
  return { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}

function keyArn(idOrArn: string): string {
  return idOrArn.startsWith('arn:') ? idOrArn : `arn:aws:kms:${REGION}:${ACCOUNT}:key/${idOrArn}`;
}

function queueArnOf(url: string): string {
  const m = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(url);
  if (!m) throw new Error(`not a queue URL: ${url}`);
  return `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}`;
}

/** The random suffix the real secrets imported in these tests have. */
const SUFFIX = '-Ab1Cd2';

/** Every secret the app uses, by its real complete ARN: created in the stack, or imported. */
function realSecrets(app: BuiltApp, values: TemplateValues): Map<string, { readonly name: string; readonly keyArn: string | undefined }> {
  const secrets = new Map<string, { name: string; keyArn: string | undefined }>();
  for (const c of app.stack.node.findAll()) {
    const s = c as unknown as { secretArn?: unknown; secretName?: unknown; secretFullArn?: unknown; encryptionKey?: { keyArn: string }; grantRead?: unknown };
    if (typeof s.secretArn !== 'string' || typeof s.grantRead !== 'function') continue;
    const arn = values.text(app.stack.resolve(s.secretArn));
    const full = s.secretFullArn !== undefined ? arn : `${arn.startsWith('arn:') ? arn : `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${arn}`}${SUFFIX}`;
    const name = full.split(':secret:')[1].replace(/-[A-Za-z0-9]{6}$/, '');
    secrets.set(full, { name, keyArn: s.encryptionKey ? values.text(app.stack.resolve(s.encryptionKey.keyArn)) : undefined });
  }
  return secrets;
}

/**
 * The secret a GetSecretValue with this SecretId reaches, as Secrets Manager reads it
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html): a
 * complete ARN as is; a partial ARN (no random suffix), or a friendly name, matched to the secret.
 * A partial ARN whose name ends in a hyphen and six characters is taken for a complete one, so it
 * reaches no secret.
 */
function secretReached(secretId: string, secrets: ReadonlyMap<string, { readonly name: string }>): string {
  const found = secretId.startsWith('arn:')
    ? /-[A-Za-z0-9]{6}$/.test(secretId)
      ? secrets.has(secretId) ? secretId : undefined
      : [...secrets.keys()].find((arn) => arn.length === secretId.length + 7 && arn.startsWith(`${secretId}-`))
    : [...secrets.entries()].find(([, s]) => s.name === secretId)?.[0];
  return found ?? `${secretId} (reaches no secret: Secrets Manager reads a partial ARN ending in a hyphen and six characters as a complete one)`;
}

/** The API-key secret ids the poller reads: from its configuration file. */
function pollerKeySecrets(app: BuiltApp, fn: PipelineFunction): string[] {
  const code = app.ingestion.pollerFunction.node.findChild('Code') as unknown as { assetPath: string };
  const file = JSON.parse(readFileSync(join(Stage.of(app.stack)!.outdir, code.assetPath, fn.environment.VW_POLLER_VENDORS_FILE), 'utf8')) as Array<{ apiKeySecretArn?: unknown; pollingEnabled: boolean }>;
  return file.filter((v) => v.pollingEnabled && v.apiKeySecretArn).map((v) => {
    const ref = v.apiKeySecretArn as string | { $env: string };
    return typeof ref === 'string' ? ref : fn.environment[ref.$env];
  });
}

function callsOf(checked: CheckedApp, fn: PipelineFunction): Call[] {
  const env = fn.environment;
  const secrets = realSecrets(checked.app, checked.values);
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${env.VW_TABLE_NAME}`;
  const events = queueArnOf(env.VW_QUEUE_URL);
  const quarantine = queueArnOf(env.VW_QUARANTINE_QUEUE_URL);
  const secure = { 'aws:SecureTransport': 'true' };
  const stream = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${env.VW_ARCHIVE_STREAM}`;
  if (fn.handler === 'verifier') {
    const items = { ...secure, 'dynamodb:LeadingKeys': [`${fn.vendorId}#job_1`] };
    return [
      { action: 'dynamodb:UpdateItem', resource: table, context: items },
      { action: 'dynamodb:PutItem', resource: table, context: items },
      { action: 'sqs:SendMessage', resource: events, context: secure },
      { action: 'sqs:SendMessage', resource: quarantine, context: secure },
      { action: 'secretsmanager:GetSecretValue', resource: secretReached(env.VW_WEBHOOK_SECRET_ID, secrets), context: secure },
      { action: 'firehose:PutRecord', resource: stream, context: secure },
    ];
  }
  return [
    { action: 'dynamodb:UpdateItem', resource: table, context: secure },
    { action: 'dynamodb:PutItem', resource: table, context: secure },
    { action: 'dynamodb:BatchGetItem', resource: table, context: secure },
    { action: 'dynamodb:Query', resource: `${table}/index/pending`, context: secure },
    { action: 'sqs:SendMessage', resource: events, context: secure },
    { action: 'sqs:SendMessage', resource: quarantine, context: secure },
    { action: 'sqs:ReceiveMessage', resource: quarantine, context: secure },
    { action: 'sqs:DeleteMessage', resource: quarantine, context: secure },
    { action: 'firehose:PutRecord', resource: stream, context: secure },
    { action: 'firehose:PutRecordBatch', resource: stream, context: secure },
    ...pollerKeySecrets(checked.app, fn).map((id) => ({ action: 'secretsmanager:GetSecretValue', resource: secretReached(id, secrets), context: secure })),
  ];
}

async function allowed(checked: CheckedApp, fn: PipelineFunction, call: Call): Promise<string> {
  const simulation: Simulation = {
    // aws:PrincipalArn as AWS sets it for a role session: the role's ARN.
    request: { principal: fn.roleArn, action: call.action, resource: { resource: call.resource, accountId: ACCOUNT }, contextVariables: { 'aws:PrincipalArn': fn.roleArn, ...call.context } },
    identityPolicies: fn.policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: checked.resourcePolicy(call.resource),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') return `error: ${JSON.stringify(result.errors)}`;
  return result.overallResult;
}

const apps = [exampleStack(), largeStack()].map((app) => new CheckedApp(app));

describe('the handlers\' IAM permissions', () => {
  it.each<Handler>(['verifier', 'poller'])('place every SDK call in the %s bundle as called or not called by it', async (handler) => {
    const found = [...(await commandsIn(handler))].sort();
    expect(found).toEqual([...CALLED[handler], ...BUNDLED_NOT_CALLED[handler]].sort());
  });

  describe.each(apps.map((c) => [c.app.name, c] as const))('in the %s', (_name, checked) => {
    const functions = checked.functions();
    const secrets = realSecrets(checked.app, checked.values);

    it.each(functions.map((f) => [f.id, f] as const))('allow every call %s makes, KMS included', async (_id, fn) => {
      const denied: string[] = [];
      for (const call of callsOf(checked, fn)) {
        const result = await allowed(checked, fn, call);
        if (result !== 'Allowed') denied.push(`${call.action} on ${call.resource}: ${result}`);
        const key = checked.keyOf(call.resource, secrets.get(call.resource)?.keyArn);
        if (!key) continue;
        const via = call.action.split(':')[0];
        for (const kmsAction of KMS_FOR[call.action] ?? []) {
          const viaService = { ...call.context, 'kms:ViaService': `${via === 'secretsmanager' ? 'secretsmanager' : via}.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };
          const kmsResult = await allowed(checked, fn, { action: kmsAction, resource: key, context: viaService });
          if (kmsResult !== 'Allowed') denied.push(`${kmsAction} on ${key} (for ${call.action}): ${kmsResult}`);
        }
      }
      expect(denied).toEqual([]);
    });

    it.each(functions.map((f) => [f.id, f] as const))('let %s decrypt its secrets\' keys through Secrets Manager only, not directly', async (_id, fn) => {
      const keyed = callsOf(checked, fn).filter((c) => c.action === 'secretsmanager:GetSecretValue').map((c) => secrets.get(c.resource)?.keyArn).filter((k): k is string => k !== undefined);
      const results = await Promise.all(keyed.map(async (key) => ({
        key,
        viaSecretsManager: await allowed(checked, fn, { action: 'kms:Decrypt', resource: key, context: { 'aws:SecureTransport': 'true', 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT } }),
        direct: await allowed(checked, fn, { action: 'kms:Decrypt', resource: key, context: { 'aws:SecureTransport': 'true', 'kms:CallerAccount': ACCOUNT } }),
        viaSqs: await allowed(checked, fn, { action: 'kms:Decrypt', resource: key, context: { 'aws:SecureTransport': 'true', 'kms:ViaService': `sqs.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT } }),
      })));
      expect(results.filter((r) => r.viaSecretsManager !== 'Allowed' || r.direct === 'Allowed' || r.viaSqs === 'Allowed')).toEqual([]);
    });

    it.each(functions.map((f) => [f.id, f] as const))('grant %s nothing its code does not call', (_id, fn) => {
      const expected = new Set([...CALLED[fn.handler], ...CALLED[fn.handler].flatMap((a) => KMS_FOR[a] ?? []), ...LAMBDA_RUNTIME]);
      const granted = fn.policies.flatMap((p) => p.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat() as string[]));
      expect([...new Set(granted.filter((a) => !expected.has(a)))].sort()).toEqual([]);
    });

    it.each(functions.map((f) => [f.id, f] as const))('let %s put records on the archive\'s stream only, never on another stream (issue 22)', async (_id, fn) => {
      expect(fn.environment.VW_ARCHIVE_STREAM).toBeTruthy();
      const other = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/another-stream`;
      expect(await allowed(checked, fn, { action: 'firehose:PutRecord', resource: other, context: { 'aws:SecureTransport': 'true' } })).not.toBe('Allowed');
      const batch = await allowed(checked, fn, { action: 'firehose:PutRecordBatch', resource: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${fn.environment.VW_ARCHIVE_STREAM}`, context: { 'aws:SecureTransport': 'true' } });
      expect(batch === 'Allowed').toBe(fn.handler === 'poller');
    });

    it.each(functions.filter((f) => f.handler === 'verifier').map((f) => [f.id, f] as const))('keep %s to its own vendor\'s items', async (_id, fn) => {
      const other = functions.find((f) => f.vendorId && f.vendorId !== fn.vendorId)?.vendorId ?? 'other';
      const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${fn.environment.VW_TABLE_NAME}`;
      const context = { 'aws:SecureTransport': 'true', 'dynamodb:LeadingKeys': [`${other}#job_1`] };
      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(await allowed(checked, fn, { action, resource: table, context })).not.toBe('Allowed');
    });
  });

  describe('in the large app, what other principals may do', () => {
    const checked = apps[1];
    const [producer] = checked.functions(/^Producer/);
    const table = () => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${producer.environment.VIDEO_WEBHOOKS_TABLE_NAME}`;
    const put = (attributes: readonly string[]) => ({ action: 'dynamodb:PutItem', resource: table(), context: { 'aws:SecureTransport': 'true', 'dynamodb:Attributes': [...attributes] } });

    it('a job registration (grantRegisterJobs) may write what registerJob writes', async () => {
      expect(await allowed(checked, producer, put(REGISTRATION_ATTRIBUTES))).toBe('Allowed');
      expect(await allowed(checked, producer, { action: 'dynamodb:GetItem', resource: table(), context: { 'aws:SecureTransport': 'true' } })).toBe('Allowed');
    });

    it.each([['a terminal event to send', 'pendingTerminal'], ['a terminal event id', 'terminalEventId'], ['an event id', 'lastEventId'], ['a lease', 'leaseUntilMs']])(
      'a job registration may not write an item with %s in it (issue 14, finding 4)',
      async (_what, attribute) => {
        expect(await allowed(checked, producer, put([...REGISTRATION_ATTRIBUTES, attribute]))).not.toBe('Allowed');
      },
    );

    it('only the pipeline\'s functions may send to the quarantine (issue 14, finding 5)', async () => {
      const quarantine = queueArnOf(checked.functions()[0].environment.VW_QUARANTINE_QUEUE_URL);
      const send = { action: 'sqs:SendMessage', resource: quarantine, context: { 'aws:SecureTransport': 'true' } };
      for (const fn of checked.functions()) expect(await allowed(checked, fn, send)).toBe('Allowed');
      // A role of the same account allowed sqs:* on every queue by its own policy.
      const admin: PipelineFunction = {
        ...producer,
        id: 'Admin',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
        policies: [{ name: 'AdminPolicy', policy: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } }],
      };
      expect(await allowed(checked, admin, send)).not.toBe('Allowed');
      expect(await allowed(checked, admin, { ...send, action: 'sqs:ReceiveMessage' })).toBe('Allowed'); // reading is the operators' business
    });
  });
});
