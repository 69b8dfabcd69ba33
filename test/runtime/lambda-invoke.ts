/**
 * Runs a built Lambda bundle on the Node.js of a Lambda runtime (22 or 24, fetched by
 * test/support/lambda-node.ts; the suite itself runs on the contributor's Node) and invokes its
 * handler once with an event, as Lambda would: a fresh process, `require` of the bundle, one call.
 */
import { spawnSync } from 'node:child_process';
import { lambdaNode, type LambdaNodeMajor } from '../support/lambda-node';

const RESULT_MARK = '\u0000result\u0000';

const INVOKE = `
const [bundle, event] = [process.argv[1], JSON.parse(process.argv[2])];
const context = { awsRequestId: 'req-1', functionName: 'consumer', functionVersion: '$LATEST', memoryLimitInMB: '128',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:consumer', logGroupName: '/aws/lambda/consumer',
  logStreamName: 'stream', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
Promise.resolve(require(bundle).handler(event, context)).then(
  (result) => process.stdout.write(${JSON.stringify(RESULT_MARK)} + JSON.stringify({ version: process.version, result }) + '\\n'),
  (err) => { console.error(err && err.stack || err); process.exit(1); },
);
`;

export interface Invocation<R> {
  readonly result: R;
  /** The Node version the handler ran on. */
  readonly version: string;
  /** Lines the function wrote to stdout and stderr (what CloudWatch Logs would get). */
  readonly logs: string[];
}

export function invokeOnLambdaNode<R>(major: LambdaNodeMajor, bundle: string, event: unknown): Invocation<R> {
  const run = spawnSync(lambdaNode(major), ['-e', INVOKE, bundle, JSON.stringify(event)], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' } });
  if (run.status !== 0) throw new Error(`${bundle} failed on Node ${major} (${run.status}):\n${run.stdout}\n${run.stderr}`);
  const lines = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
  const mark = lines.find((l) => l.startsWith(RESULT_MARK));
  if (!mark) throw new Error(`${bundle} answered nothing on Node ${major}:\n${run.stdout}\n${run.stderr}`);
  const { version, result } = JSON.parse(mark.slice(RESULT_MARK.length)) as { version: string; result: R };
  return { result, version, logs: lines.filter((l) => l !== mark) };
}
