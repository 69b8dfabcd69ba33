/**
 * Resolves a synthesized template's intrinsics (Ref, Fn::GetAtt, Fn::Join, ...) to the values
 * CloudFormation would give them, with realistic lengths: generated physical names follow
 * CloudFormation's `<stack>-<logicalId>-<13 random>` pattern at each service's maximum length, ARNs
 * are full ARNs (Secrets Manager's with its 6-character suffix). What Lambda counts towards its
 * 4 KB environment limit, and what IAM policies are evaluated against, come out of this.
 */
import { createHash } from 'node:crypto';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface SynthTemplate {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

export interface Environment {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly partition?: string;
}

/** Maximum physical name lengths CloudFormation generates within (each service's limit). */
const NAME_LIMITS: Record<string, number> = {
  'AWS::SQS::Queue': 80,
  'AWS::DynamoDB::Table': 255,
  'AWS::Lambda::Function': 64,
  'AWS::IAM::Role': 64,
  'AWS::Logs::LogGroup': 512,
  'AWS::SNS::Topic': 256,
  'AWS::SecretsManager::Secret': 512,
  'AWS::KinesisFirehose::DeliveryStream': 64,
  'AWS::S3::Bucket': 63,
};

export class TemplateValues {
  constructor(
    private readonly template: SynthTemplate,
    private readonly env: Environment,
  ) {}

  /** A value of the template as CloudFormation resolves it (strings, numbers, arrays, objects). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      switch (fn) {
        case 'Ref':
          return this.ref(arg as string);
        case 'Fn::GetAtt':
          return this.getAtt(...(arg as [string, string]));
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, unknown];
          return String(this.resolve(text)).split(sep);
        }
        case 'Fn::FindInMap': {
          const [map, top, second] = this.resolve(arg) as [string, string, string];
          return this.template.Mappings?.[map]?.[top]?.[second];
        }
        case 'Fn::Sub':
          return String(arg).replace(/\$\{([^}]+)\}/g, (_m, name: string) => String(name.includes('.') ? this.getAtt(...(name.split('.') as [string, string])) : this.ref(name)));
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** Like `resolve`, for a value that must be a string. */
  text(value: unknown): string {
    return String(this.resolve(value));
  }

  ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.account,
      'AWS::Partition': this.env.partition ?? 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.env.stackName,
      'AWS::StackId': `arn:aws:cloudformation:${this.env.region}:${this.env.account}:stack/${this.env.stackName}/${uuid(this.env.stackName)}`,
      'AWS::NoValue': '',
    };
    if (logicalId in pseudo) return pseudo[logicalId];
    const parameter = this.template.Parameters?.[logicalId];
    if (parameter) return String(parameter.Default ?? `parameter-${logicalId}`);
    const resource = this.resource(logicalId);
    const p = resource.Properties ?? {};
    const { account, region } = this.env;
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${this.queueName(logicalId)}`;
      case 'AWS::SecretsManager::Secret':
        return this.getAtt(logicalId, 'Arn');
      case 'AWS::SNS::Topic':
        return this.getAtt(logicalId, 'TopicArn');
      case 'AWS::KMS::Key':
        return uuid(logicalId);
      case 'AWS::ApiGatewayV2::Api':
        return randomId(logicalId, 10).toLowerCase();
      case 'AWS::ApiGatewayV2::Stage':
        return String(p.StageName ?? '$default');
      case 'AWS::S3::Bucket':
        // A generated bucket name is lower case, as its ARN (below).
        return this.physicalName(logicalId, resource.Type, nameProperty(resource)).toLowerCase();
      default:
        return this.physicalName(logicalId, resource.Type, nameProperty(resource));
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const { account, region } = this.env;
    const partition = this.env.partition ?? 'aws';
    const name = () => this.ref(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::SQS::Queue.Arn':
        return `arn:${partition}:sqs:${region}:${account}:${this.queueName(logicalId)}`;
      case 'AWS::SQS::Queue.QueueName':
        return this.queueName(logicalId);
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name()}`;
      case 'AWS::DynamoDB::Table.StreamArn':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name()}/stream/2026-12-01T00:00:00.000`;
      case 'AWS::SecretsManager::Secret.Arn': {
        const given = resource.Properties?.Name;
        const base = typeof given === 'string' ? given : this.physicalName(logicalId, resource.Type, undefined);
        return `arn:${partition}:secretsmanager:${region}:${account}:secret:${base}-${randomId(logicalId, 6)}`;
      }
      case 'AWS::KMS::Key.Arn':
        return `arn:${partition}:kms:${region}:${account}:key/${this.ref(logicalId)}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${account}:role/${name()}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:${partition}:lambda:${region}:${account}:function:${name()}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name()}:*`;
      case 'AWS::SNS::Topic.TopicArn':
        return `arn:${partition}:sns:${region}:${account}:${this.physicalName(logicalId, resource.Type, nameProperty(resource))}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${this.ref(logicalId)}.execute-api.${region}.amazonaws.com`;
      case 'AWS::Events::Rule.Arn':
        return `arn:${partition}:events:${region}:${account}:rule/${this.physicalName(logicalId, resource.Type, undefined)}`;
      case 'AWS::KinesisFirehose::DeliveryStream.Arn':
        return `arn:${partition}:firehose:${region}:${account}:deliverystream/${name()}`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:${partition}:s3:::${name().toLowerCase()}`;
      case 'AWS::CloudWatch::Alarm.Arn':
        return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${this.physicalName(logicalId, resource.Type, nameProperty(resource))}`;
      default:
        throw new Error(`TemplateValues: no realistic value for Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}): add it`);
    }
  }

  private resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`TemplateValues: no resource ${logicalId} in the template`);
    return resource;
  }

  private queueName(logicalId: string): string {
    const given = this.template.Resources[logicalId]?.Properties?.QueueName;
    if (typeof given === 'string') return given;
    const fifo = this.template.Resources[logicalId]?.Properties?.FifoQueue === true;
    const name = this.physicalName(logicalId, 'AWS::SQS::Queue', undefined, fifo ? '.fifo'.length : 0);
    return fifo ? `${name}.fifo` : name;
  }

  /** A given name, or CloudFormation's generated `<stack>-<logicalId>-<13 random>`, cut to the service's limit. */
  private physicalName(logicalId: string, type: string, given: unknown, reserve = 0): string {
    if (typeof given === 'string') return given;
    if (given !== undefined) return this.text(given);
    const limit = (NAME_LIMITS[type] ?? 128) - reserve;
    const suffix = `-${randomId(logicalId, 13)}`;
    return `${this.env.stackName}-${logicalId}`.slice(0, limit - suffix.length) + suffix;
  }
}

function nameProperty(resource: TemplateResource): unknown {
  const p = resource.Properties ?? {};
  return p.FunctionName ?? p.RoleName ?? p.TableName ?? p.LogGroupName ?? p.TopicName ?? p.AlarmName ?? p.Name;
}

/** Deterministic stand-ins for the random parts of generated names. */
function randomId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length).toUpperCase();
}

function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
