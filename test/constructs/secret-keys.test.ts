/**
 * Secrets encrypted with a customer key the stack does not own (issue 18, finding 1): a key
 * imported by ARN, a key of another stack, a key of another account. The role gets kms:Decrypt
 * through Secrets Manager in its own policy; a key of another account also needs its owner's key
 * policy, which a warning names. Checked with the IAM evaluator (@cloud-copilot/iam-simulate).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Vendor, VideoWebhookIngestion } from '../../lib';
import { ACCOUNT, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';

const SECURITY_ACCOUNT = '999999999999';
const KEY_ARN = `arn:aws:kms:${REGION}:${SECURITY_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${SECURITY_ACCOUNT}:secret:video/sync/webhook-Ab1Cd2`;
const VIA_SECRETS_MANAGER = `secretsmanager.${REGION}.amazonaws.com`;

function crossAccountStack(): Stack {
  const stack = new Stack(new App(), 'CrossAccount', { env: { account: ACCOUNT, region: REGION } });
  const webhookSecret = secretsmanager.Secret.fromSecretAttributes(stack, 'SyncWebhook', {
    secretCompleteArn: SECRET_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'SecurityKey', KEY_ARN),
  });
  new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret })] });
  return stack;
}

/** The verifier role's identity policies, resolved, and its ARN. */
function verifierRole(stack: Stack): { arn: string; policies: Array<{ name: string; policy: unknown }> } {
  const template = Template.fromStack(stack).toJSON() as SynthTemplate;
  const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: stack.stackName });
  const [roleId] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('WebhooksVerifierssync'))!;
  const policies = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${roleId}"`))
    .map(([name, r]) => ({ name, policy: values.resolve(r.Properties?.PolicyDocument) }));
  return { arn: values.getAtt(roleId, 'Arn'), policies };
}

async function decrypt(role: ReturnType<typeof verifierRole>, keyPolicy: unknown, viaService: string | undefined): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: role.arn,
      action: 'kms:Decrypt',
      resource: { resource: KEY_ARN, accountId: SECURITY_ACCOUNT },
      contextVariables: { 'aws:PrincipalArn': role.arn, 'kms:CallerAccount': ACCOUNT, ...(viaService ? { 'kms:ViaService': viaService } : {}) },
    },
    identityPolicies: role.policies as never,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: keyPolicy as never,
  }, {});
  return result.resultType === 'error' ? JSON.stringify(result.errors) : result.overallResult;
}

describe('a secret encrypted with a key this stack does not own', () => {
  it('warns that a key of another account needs its key policy to allow the role, naming the account and kms:ViaService', () => {
    const stack = crossAccountStack();
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      `the key of secret .*SyncWebhook is in account ${SECURITY_ACCOUNT}: its key policy must allow kms:Decrypt to the role .* with kms:ViaService ${VIA_SECRETS_MANAGER.replace(/\./g, '\\.')}`,
    ));
  });

  it('can be read across accounts once the key\'s owner allows the role, and only through Secrets Manager', async () => {
    const role = verifierRole(crossAccountStack());
    const ownersDefault = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };
    const allowsRole = {
      Version: '2012-10-17',
      Statement: [...ownersDefault.Statement, { Effect: 'Allow', Principal: { AWS: role.arn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } } }],
    };
    expect(await decrypt(role, ownersDefault, VIA_SECRETS_MANAGER)).not.toBe('Allowed');
    expect(await decrypt(role, allowsRole, VIA_SECRETS_MANAGER)).toBe('Allowed');
    expect(await decrypt(role, allowsRole, undefined)).not.toBe('Allowed');
  });

  it('grants a key of another stack of the app in the role\'s policy, so the two stacks do not refer to each other', () => {
    const app = new App();
    const security = new Stack(app, 'Security', { env: { account: ACCOUNT, region: REGION } });
    const key = new kms.Key(security, 'SecretsKey');
    const secret = new secretsmanager.Secret(security, 'SyncWebhook', { encryptionKey: key });
    const stack = new Stack(app, 'Pipeline', { env: { account: ACCOUNT, region: REGION } });
    new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: secret })] });
    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(Template.fromStack(security).toJSON())).not.toContain('Verifiers');
    const statements = verifierRole(stack).policies.flatMap((p) => (p.policy as { Statement: Array<Record<string, unknown>> }).Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': VIA_SECRETS_MANAGER } } }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('is in account'));
  });
});
