/** `video-webhooks replay`: the console's "Start DLQ redrive", from a terminal. */
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

export interface ReplayOptions {
  readonly client?: SQSClient;
  /** How often progress is asked for. @default 2000 */
  readonly pollMs?: number;
  readonly out?: (line: string) => void;
}

const FINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

export async function replayDeadLetters(values: Record<string, string | boolean | undefined>, options: ReplayOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dlqUrl = values['dlq-url'];
  if (typeof dlqUrl !== 'string' || !dlqUrl) {
    process.stderr.write('usage: video-webhooks replay --dlq-url URL [--max-per-second N]\n');
    return 2;
  }
  const rate = values['max-per-second'] === undefined ? undefined : Number(values['max-per-second']);
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
    process.stderr.write('--max-per-second must be a whole number from 1 to 500 (the SQS limit)\n');
    return 2;
  }
  const client = options.client ?? new SQSClient({});
  const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
  const sourceArn = attributes.Attributes?.QueueArn;
  if (!sourceArn) throw new Error(`could not read the ARN of ${dlqUrl}`);
  out(`dead-letter queue ${sourceArn}: about ${attributes.Attributes?.ApproximateNumberOfMessages ?? '?'} messages`);
  // No DestinationArn: SQS moves each message back to the queue it came from.
  const started = await client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, ...(rate ? { MaxNumberOfMessagesPerSecond: rate } : {}) }));
  out(`started move task ${started.TaskHandle ?? ''}`.trim());
  for (;;) {
    const tasks = await client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = tasks.Results?.[0];
    if (!task) throw new Error('the move task is not listed; check the SQS console');
    const total = task.ApproximateNumberOfMessagesToMove;
    out(`${task.Status}: ${task.ApproximateNumberOfMessagesMoved ?? 0}${total === undefined ? '' : ` of ${total}`} moved`);
    if (task.Status && FINAL.has(task.Status)) {
      if (task.Status !== 'COMPLETED') out(`task ended ${task.Status}${task.FailureReason ? `: ${task.FailureReason}` : ''}`);
      return task.Status === 'COMPLETED' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}
