/**
 * The exact permissions the handlers use, and nothing else (aws-cdk-lib's own grants add actions
 * the code never calls: GetQueueUrl, GetQueueAttributes, DescribeSecret, ...). Each grants the
 * customer key too, when the resource has one.
 */
import { Annotations, Fn, Resource, Stack, Token, TokenComparison } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { validationError } from './validate';

/**
 * SendMessage on the queue, and for a customer key GenerateDataKey and Decrypt
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 */
export function grantSendMessage(queue: sqs.IQueue, grantee: iam.IGrantable): iam.Grant {
  queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  return iam.Grant.addToPrincipalOrResource({ grantee, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn], resource: queue });
}

/** ReceiveMessage and DeleteMessage on the queue, and for a customer key Decrypt (same source). */
export function grantReceiveAndDelete(queue: sqs.IQueue, grantee: iam.IGrantable): iam.Grant {
  queue.encryptionMasterKey?.grant(grantee, 'kms:Decrypt');
  return iam.Grant.addToPrincipalOrResource({ grantee, actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], resourceArns: [queue.queueArn], resource: queue });
}

/**
 * GetSecretValue on the secret, and Decrypt through Secrets Manager (`kms:ViaService`) on its
 * customer key when the secret was given with it (`Secret.fromSecretAttributes({ ..., encryptionKey })`);
 * a secret imported by name carries no key, so its key's policy must allow the function's role.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function grantSecretValue(secret: secretsmanager.ISecret, grantee: iam.IGrantable): iam.Grant {
  if (secret.encryptionKey) grantDecryptViaSecretsManager(secret, secret.encryptionKey, grantee);
  // A partial ARN (imported by name or partial ARN) matches the secret's complete ARN with its random suffix.
  const resource = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [resource] });
}

/**
 * What the runtime passes as `SecretId`: the complete ARN when it is known, else the friendly name.
 * Never a partial ARN: Secrets Manager reads a partial ARN whose name ends in a hyphen and six
 * characters as a complete ARN and finds no secret
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 */
export function secretIdOf(secret: secretsmanager.ISecret): string {
  if (secret.secretFullArn) return secret.secretFullArn;
  const arn = secret.secretArn;
  if (!Token.isUnresolved(arn)) return arn.startsWith('arn:') ? arn.split(':').slice(6).join(':') : arn;
  // Imported by name into an environment-agnostic stack: the name is known, the ARN is a token.
  return Token.isUnresolved(secret.secretName) ? Fn.select(6, Fn.split(':', arn)) : secret.secretName;
}

/**
 * Throws when a grant added nothing: the grantee has no policy this stack can change (a function
 * imported by name has no known role, and aws-cdk-lib only warns), so the permission would silently
 * be missing at run time.
 */
export function assertGranted(grant: iam.Grant, method: string, grantee: iam.IGrantable, scope: IConstruct): iam.Grant {
  // An imported function's UnknownPrincipal reports the statement as added, and only warns.
  if (grant.success && !(grantee.grantPrincipal instanceof iam.UnknownPrincipal)) return grant;
  const name = (grantee as { node?: { path?: string } }).node?.path ?? String(grantee.grantPrincipal);
  throw validationError(scope,
    `${method}: ${name} has no role this stack can add a policy to: import it with lambda.Function.fromFunctionAttributes({ functionArn, role }), or grant its role`,
  );
}

/**
 * What SQS's dead-letter queue redrive (StartMessageMoveTask) needs of the caller: start, list and
 * cancel move tasks, receive, delete and read the attributes of the DLQ, send to the queue its
 * messages go back to, and the queues' keys
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
 */
export function grantRedrive(deadLetterQueue: sqs.IQueue, destination: sqs.IQueue, grantee: iam.IGrantable): iam.Grant {
  deadLetterQueue.encryptionMasterKey?.grant(grantee, 'kms:Decrypt');
  const source = iam.Grant.addToPrincipal({
    grantee,
    actions: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    resourceArns: [deadLetterQueue.queueArn],
  });
  return source.combine(grantSendMessage(destination, grantee));
}

/**
 * A key of this stack gets a statement in its key policy (the role, through Secrets Manager): it
 * works whatever else the policy says. Any other key (imported by ARN, or of another stack, whose
 * policy this stack cannot change, or must not, as the reference would go both ways) gets one in
 * the role's own policy, which its key policy honours when it delegates to the account's IAM
 * policies (the default key policy does). A key of another account needs both: its key policy is
 * its owner's to change.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
function grantDecryptViaSecretsManager(secret: secretsmanager.ISecret, key: kms.IKey, grantee: iam.IGrantable): void {
  // The function's stack: where the role is, and the region its Secrets Manager calls go to.
  const stack = Construct.isConstruct(grantee) ? Stack.of(grantee) : Stack.of(secret);
  const viaService = `secretsmanager.${stack.region}.amazonaws.com`;
  if (Resource.isOwnedResource(key) && Stack.of(key) === stack) {
    key.grantDecrypt(new kms.ViaServicePrincipal(viaService, grantee.grantPrincipal));
    return;
  }
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': viaService } } }),
  );
  const keyAccount = key.env.account;
  if (Token.compareStrings(keyAccount, stack.account) === TokenComparison.DIFFERENT) {
    Annotations.of(Construct.isConstruct(grantee) ? grantee : secret).addWarningV2('cdk-video-webhooks:crossAccountSecretKey',
      `the key of secret ${secret.node.path} is in account ${keyAccount}: its key policy must allow kms:Decrypt to the role ${grantee.grantPrincipal} ` +
        `(or to account ${stack.account}) with kms:ViaService ${viaService}, or the function cannot read the secret; this stack grants the role its side only`);
  }
}
