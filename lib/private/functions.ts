/** A pipeline function: the prebuilt bundle on Node.js 22 arm64, with its own role and log group. */
import type { RemovalPolicy } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { handlerAssetDir, type HandlerName } from '../assets';

export type PipelineFunctionOptions = Omit<lambda.FunctionProps, 'runtime' | 'architecture' | 'handler' | 'code' | 'role' | 'logGroup'> & {
  /** @default the prebuilt bundle as is */
  readonly code?: lambda.Code;
};

/** Creates `LogGroup`, `ServiceRole` and `Function` under `scope` (ids are part of the contract). */
export function createPipelineFunction(
  scope: Construct,
  handler: HandlerName,
  options: PipelineFunctionOptions,
  retention: logs.RetentionDays,
  removalPolicy: RemovalPolicy | undefined,
): lambda.Function {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention, removalPolicy });
  // An own role with log writes to its own log group only (instead of AWSLambdaBasicExecutionRole).
  const role = new iam.Role(scope, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, 'Function', {
    ...options,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: options.code ?? lambda.Code.fromAsset(handlerAssetDir(handler)),
    role,
    logGroup,
  });
}
