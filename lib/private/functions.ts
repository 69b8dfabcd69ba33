/** A pipeline function: the prebuilt bundle on Node.js (22 or 24) arm64, with its own role and log group. */
import { Stack, type RemovalPolicy } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ENVIRONMENT_MAX_BYTES } from '../../lambda/contract/aws-limits';
import { handlerAssetDir, type HandlerName } from '../assets';
import { DEPLOY_TIME_VALUE_BYTES, renderedStringSize } from './rendered-size';

export type PipelineFunctionOptions = Omit<lambda.FunctionProps, 'runtime' | 'architecture' | 'handler' | 'code' | 'role' | 'logGroup'> & {
  /** @default the prebuilt bundle as is */
  readonly code?: lambda.Code;
};

export interface PipelineFunctionSettings {
  /** Who the function is, in messages: `the verifier of vendor acme`, `the poller`. */
  readonly owner: string;
  /** What to do when its environment is too large (after "Lambda refuses more than 4096 bytes ...; "). */
  readonly environmentAdvice: string;
  /** Node.js 22 or 24 (checked in settings.ts). */
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy | undefined;
}

/** Creates `LogGroup`, `ServiceRole` and `Function` under `scope` (ids are part of the contract). */
export function createPipelineFunction(scope: Construct, handler: HandlerName, options: PipelineFunctionOptions, settings: PipelineFunctionSettings): lambda.Function {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });
  // An own role with log writes to its own log group only (instead of AWSLambdaBasicExecutionRole).
  const role = new iam.Role(scope, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  const fn = new lambda.Function(scope, 'Function', {
    ...options,
    runtime: settings.runtime,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: options.code ?? lambda.Code.fromAsset(handlerAssetDir(handler)),
    role,
    logGroup,
  });
  // At validation, so that what is added later (addEnvironment) is counted too.
  fn.node.addValidation({ validate: () => environmentProblems(fn, settings) });
  return fn;
}

/**
 * Lambda refuses a function whose environment, keys and values together, is over 4 KB, and only
 * at deploy time: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
function environmentProblems(fn: lambda.Function, settings: PipelineFunctionSettings): string[] {
  const rendered = Stack.of(fn).resolve((fn.node.defaultChild as lambda.CfnFunction).environment) as { variables?: Record<string, unknown> } | undefined;
  let bytes = 0;
  let deployTime = 0;
  for (const [name, value] of Object.entries(rendered?.variables ?? {})) {
    const size = renderedStringSize(value);
    bytes += Buffer.byteLength(name) + size.bytes;
    deployTime += size.deployTime;
  }
  if (bytes <= LAMBDA_ENVIRONMENT_MAX_BYTES) return [];
  const counted = deployTime > 0 ? ` (${deployTime} values known only at deploy time counted as ${DEPLOY_TIME_VALUE_BYTES} bytes each)` : '';
  return [
    `${settings.owner} has an environment of about ${bytes} bytes${counted}: Lambda refuses more than ${LAMBDA_ENVIRONMENT_MAX_BYTES} bytes (keys and values together) at deploy time; ${settings.environmentAdvice}`,
  ];
}
