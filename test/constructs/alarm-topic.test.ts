/**
 * An alarm topic whose key CloudWatch cannot use never notifies (issue 18, finding 5): the AWS
 * managed key `alias/aws/sns` has a key policy nobody can change, which does not let CloudWatch
 * use it, so the synth refuses it; an imported customer key's policy cannot be changed from here
 * (a grant on it is a no-op), so the synth warns with what to add.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Vendor, VideoWebhookIngestion } from '../../lib';
import { ACCOUNT, REGION } from '../support/apps';

function withTopic(topic: (stack: Stack) => sns.ITopic): Stack {
  const stack = new Stack(new App(), 'AlarmTopic', { env: { account: ACCOUNT, region: REGION } });
  new VideoWebhookIngestion(stack, 'Webhooks', { vendors: [Vendor.sync({ webhookSecret: new secretsmanager.Secret(stack, 'SyncWebhook') })], alarmTopic: topic(stack) });
  return stack;
}

describe('the alarm topic\'s key', () => {
  it.each([
    ['an alias', (s: Stack) => kms.Alias.fromAliasName(s, 'SnsManaged', 'alias/aws/sns')],
    ['a key ARN', (s: Stack) => kms.Key.fromKeyArn(s, 'SnsManaged', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/sns`)],
  ])('refuses a topic encrypted with the AWS managed key alias/aws/sns (given as %s), saying what to use', (_how, key) => {
    expect(() => withTopic((s) => new sns.Topic(s, 'Alarms', { masterKey: key(s) }))).toThrow(
      /alarmTopic .*Alarms is encrypted with the AWS managed key alias\/aws\/sns, whose key policy does not let CloudWatch use it, so no alarm would notify: encrypt it with a customer managed key whose policy allows cloudwatch\.amazonaws\.com kms:Decrypt and kms:GenerateDataKey\*/,
    );
  });

  it('warns that an imported key\'s policy must let CloudWatch use it, naming what to add', () => {
    const stack = withTopic((s) => new sns.Topic(s, 'Alarms', { masterKey: kms.Key.fromKeyArn(s, 'AlarmsKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-3333-4444-5555-666666666666`) }));
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      'the alarm topic\'s key arn:aws:kms:.*:key/22222222-3333-4444-5555-666666666666 is imported, so its key policy cannot be changed here: allow the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey\\* on it',
    ));
  });

  it('gives a key of the app the statement itself, and does not warn', () => {
    const stack = withTopic((s) => new sns.Topic(s, 'Alarms', { masterKey: new kms.Key(s, 'AlarmsKey') }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('key policy cannot be changed here'));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });
});
