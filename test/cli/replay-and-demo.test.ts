import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
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
    expect(await replayDeadLetters({ 'dlq-url': DLQ_URL, 'max-per-second': '501' }, { client: new SQSClient({ region: 'us-east-1' }) })).toBe(2);
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('npm run demo', () => {
  it('runs the local pipeline for every vendor and exits 0 with a summary', () => {
    const run = spawnSync(process.execPath, [CLI, 'demo'], { encoding: 'utf8', env: childEnv() });
    expect(run.stdout).toContain('7 events queued (expected 7), 7 distinct ids; 4 forged requests rejected; 0 unexpected answers');
    expect(run.stdout).toContain('demo passed');
    expect(run.status).toBe(0);
  });
});
