import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { TABLE_SCHEMA } from '../../lambda/contract/deployment';
import { WebhookJobTable } from '../../lib';
import { REGISTRATION_ATTRIBUTES } from '../../lambda/contract/deployment';

function stack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

describe('WebhookJobTable', () => {
  it('is on-demand with partition key pk only, TTL on expiresAt, PITR, AWS-managed encryption, retained', () => {
    const s = stack();
    new WebhookJobTable(s, 'Jobs');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: false,
      }),
    });
  });

  it('has the sparse GSI "pending" (pollVendor S, nextPollAt N, projection KEYS_ONLY) the poller walks', () => {
    const s = stack();
    new WebhookJobTable(s, 'Jobs');
    Template.fromStack(s).hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'pollVendor', AttributeType: 'S' },
        { AttributeName: 'nextPollAt', AttributeType: 'N' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'pending',
          KeySchema: [
            { AttributeName: 'pollVendor', KeyType: 'HASH' },
            { AttributeName: 'nextPollAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
    expect(TABLE_SCHEMA).toMatchObject({ partitionKey: 'pk', ttlAttribute: 'expiresAt', pendingIndex: 'pending' });
  });

  it('takes deletion protection, a customer-managed key and a removal policy', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    new WebhookJobTable(s, 'Jobs', { deletionProtection: true, encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(s).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } },
      }),
    });
  });

  it('grantRegisterJobs allows GetItem, and PutItem of the registration attributes, on the table only (no index, no scan, no delete)', () => {
    const s = stack();
    const jobs = new WebhookJobTable(s, 'Jobs');
    const role = new iam.Role(s, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    jobs.grantRegisterJobs(role);
    const tableId = s.getLogicalId(jobs.table.node.defaultChild as dynamodb.CfnTable);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
          {
            Effect: 'Allow',
            Action: 'dynamodb:PutItem',
            Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...REGISTRATION_ATTRIBUTES] } },
          },
        ],
      },
    });
  });

  it('grantReadWriteJobs adds Query on the pending index only', () => {
    const s = stack();
    const jobs = new WebhookJobTable(s, 'Jobs');
    const role = new iam.Role(s, 'Poller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    jobs.grantReadWriteJobs(role);
    const tableId = s.getLogicalId(jobs.table.node.defaultChild as dynamodb.CfnTable);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:BatchGetItem'] }),
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/pending']] },
          },
        ],
      },
    });
  });

  it('uses an existing table, creating none, and refuses new-table properties with it', () => {
    const s = stack();
    const existing = dynamodb.Table.fromTableName(s, 'T', 'my-jobs');
    const jobs = new WebhookJobTable(s, 'Jobs', { existingTable: existing });
    expect(jobs.table).toBe(existing);
    Template.fromStack(s).resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(() => new WebhookJobTable(s, 'Jobs2', { existingTable: existing, pointInTimeRecovery: false })).toThrow(
      /^TestStack\/Jobs2: existingTable cannot be combined with pointInTimeRecovery: /,
    );
  });
});
