import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, QueueDoesNotExist, SQSClient, StartMessageMoveTaskCommand, UnsupportedOperation } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { replayDeadLetters } from '../../bin/cli-replay';
import { childEnv } from '../support/child-env';

const CLI = join(__dirname, '..', '..', 'dist', 'bin', 'cli.js');
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks-dlq.fifo';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:webhooks-dlq.fifo';

describe('video-webhooks replay (SQS client mocked: StartMessageMoveTask needs real AWS)', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('starts a move task from the DLQ back to its source, at the asked rate, and reports progress until it completes', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '42' } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 10, ApproximateNumberOfMessagesToMove: 42 }] })
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 42, ApproximateNumberOfMessagesToMove: 42 }] });
    const lines: string[] = [];
    const code = await replayDeadLetters({ 'dlq-url': DLQ_URL, 'max-per-second': '25' }, { client: new SQSClient({ region: 'us-east-1' }), pollMs: 1, out: (l) => lines.push(l) });
    expect(code).toBe(0);
    const start = sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input;
    expect(start).toEqual({ SourceArn: DLQ_ARN, MaxNumberOfMessagesPerSecond: 25 });
    expect(start).not.toHaveProperty('DestinationArn');
    expect(lines).toEqual([
      `dead-letter queue ${DLQ_ARN}: about 42 messages`,
      'started move task task-1',
      'RUNNING: 10 of 42 moved',
      'COMPLETED: 42 of 42 moved',
    ]);
  });

  it('exits 1 and says why when the task fails', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'FAILED', FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 0 }] });
    const lines: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL }, { client: new SQSClient({ region: 'us-east-1' }), pollMs: 1, out: (l) => lines.push(l) })).toBe(1);
    expect(lines[lines.length - 1]).toBe('task ended FAILED: AccessDenied');
  });

  it('refuses a rate SQS does not accept, before calling AWS', async () => {
    const errors: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL, 'max-per-second': '501' }, { client: new SQSClient({ region: 'us-east-1' }), err: (l) => errors.push(l) })).toBe(2);
    expect(errors).toEqual(['--max-per-second must be a whole number from 1 to 500 (the SQS limit)']);
    expect(sqs.calls()).toHaveLength(0);
  });

  const completes = () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:webhooks-dlq.fifo' } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-3' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1 }] });
  };
  const clientOf = (i = 0) => (sqs.call(i) as unknown as { thisValue: SQSClient }).thisValue;
  const quiet = { pollMs: 1, out: () => undefined, err: () => undefined };

  it('calls SQS in the region of the queue URL (sqs.<region>.amazonaws.com), with --profile when given', async () => {
    completes();
    expect(await replayDeadLetters({ 'dlq-url': 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks-dlq.fifo', profile: 'ops' }, quiet)).toBe(0);
    expect(await clientOf().config.region()).toBe('eu-west-1');
    expect(clientOf().config.profile).toBe('ops');
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0].args[0].input.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks-dlq.fifo');
  });

  it('takes --region when it is the queue\'s, and refuses one that is not, before calling AWS', async () => {
    completes();
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL, region: 'us-east-1' }, quiet)).toBe(0);
    const errors: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL, region: 'eu-west-1' }, { ...quiet, err: (l) => errors.push(l) })).toBe(2);
    expect(errors).toEqual(["--region eu-west-1 is not the queue's region (us-east-1, from its URL): drop --region or use the queue of that region"]);
    expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(1);
  });

  it.each(['webhooks-dlq.fifo', 'https://example.com/123456789012/webhooks-dlq.fifo', 'https://sqs.us-east-1.amazonaws.com/webhooks-dlq.fifo', 'http://sqs.us-east-1.amazonaws.com/123456789012/q'])(
    'refuses %s as a queue URL in one line, before calling AWS',
    async (url) => {
      const errors: string[] = [];
      expect(await replayDeadLetters({ 'dlq-url': url }, { ...quiet, err: (l) => errors.push(l) })).toBe(2);
      expect(errors).toEqual([`--dlq-url ${url} is not an SQS queue URL: use the DeadLetterQueueUrl stack output, https://sqs.<region>.amazonaws.com/<account>/<name>`]);
      expect(sqs.calls()).toHaveLength(0);
    },
  );

  it('says a move task is already running when SQS refuses a second one (UnsupportedOperation), with its progress and how to cancel it', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN } });
    sqs.on(StartMessageMoveTaskCommand).rejects(new UnsupportedOperation({ message: 'There is already a task running. Only one active task is allowed for each source queue arn at a given time.', $metadata: {} }));
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'RUNNING', TaskHandle: 'task-running', ApproximateNumberOfMessagesMoved: 7, ApproximateNumberOfMessagesToMove: 40 }] });
    const errors: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL }, { ...quiet, err: (l) => errors.push(l) })).toBe(1);
    expect(errors).toEqual([`a move task is already running from ${DLQ_ARN} (RUNNING, 7 of 40 moved; SQS runs one per queue): wait for it to end, or cancel it: aws sqs cancel-message-move-task --task-handle task-running`]);
  });

  it('answers an AWS error in one line, without a stack trace', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));
    const errors: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL }, { ...quiet, err: (l) => errors.push(l) })).toBe(1);
    expect(errors).toEqual(['replay: there is no queue at that URL (QueueDoesNotExist): use the DeadLetterQueueUrl stack output']);
    sqs.reset();
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const more: string[] = [];
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL }, { ...quiet, err: (l) => more.push(l) })).toBe(1);
    expect(more).toEqual(['replay: no AWS credentials (Could not load credentials from any providers): set AWS_PROFILE or pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY']);
  });
});

describe('video-webhooks replay, as the CLI', () => {
  it('answers a bad --dlq-url in one line and exits 2, with no stack trace', () => {
    const run = spawnSync(process.execPath, [CLI, 'replay', '--dlq-url', 'my-dlq'], { encoding: 'utf8', env: childEnv() });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('--dlq-url my-dlq is not an SQS queue URL: use the DeadLetterQueueUrl stack output, https://sqs.<region>.amazonaws.com/<account>/<name>\n');
  });
});

describe('npm run demo', () => {
  it('runs the local pipeline for every vendor and exits 0 with a summary', () => {
    const run = spawnSync(process.execPath, [CLI, 'demo'], { encoding: 'utf8', env: childEnv() });
    expect(run.stdout).toContain('13 events queued (expected 13), 13 distinct ids; 8 forged requests rejected; 0 unexpected answers');
    expect(run.stdout).toContain('demo passed');
    expect(run.status).toBe(0);
  });
});
