/**
 * `video-webhooks replay`: the console's "Start DLQ redrive", from a terminal. The region is the
 * queue URL's (`https://sqs.<region>.amazonaws.com/<account>/<name>`) unless `--region` says it;
 * credentials are the SDK's usual ones, or `--profile`'s. Every failure is one line that says what
 * to do.
 */
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand, type ListMessageMoveTasksResultEntry } from '@aws-sdk/client-sqs';

export interface ReplayOptions {
  /** @default an SQSClient for the queue's region and `--profile` */
  readonly client?: SQSClient;
  /** How often progress is asked for. @default 2000 */
  readonly pollMs?: number;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

type Values = Record<string, string | boolean | undefined>;

const USAGE = 'usage: video-webhooks replay --dlq-url URL [--max-per-second N] [--region R] [--profile P]';
const FINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
/** StartMessageMoveTask's `MaxNumberOfMessagesPerSecond`: 1 to 500. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html */
const MAX_MESSAGES_PER_SECOND = 500;
/** `https://sqs.<region>.amazonaws.com[.cn]/<12-digit account>/<queue name>`, and the legacy `<region>.queue.amazonaws.com`. */
const QUEUE_URL = /^https:\/\/(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,75}(?:\.fifo)?)\/?$/;

/** A problem to say in one line, with exit code 2 (usage) or 1 (AWS). */
class ReplayProblem extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export async function replayDeadLetters(values: Values, options: ReplayOptions = {}): Promise<number> {
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    return await replay(values, options);
  } catch (e) {
    err(e instanceof ReplayProblem ? e.message : awsProblem(e));
    return e instanceof ReplayProblem ? e.code : 1;
  }
}

async function replay(values: Values, options: ReplayOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { url, region } = queueOf(values);
  const rate = rateOf(values);
  const client = options.client ?? new SQSClient({ region, ...(typeof values.profile === 'string' ? { profile: values.profile } : {}) });
  const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
  const sourceArn = attributes.Attributes?.QueueArn;
  if (!sourceArn) throw new ReplayProblem(`SQS gave no ARN for ${url}: check the URL in the SQS console`);
  out(`dead-letter queue ${sourceArn}: about ${attributes.Attributes?.ApproximateNumberOfMessages ?? '?'} messages`);
  const handle = await start(client, sourceArn, rate);
  out(`started move task ${handle}`.trim());
  for (;;) {
    const task = await latestTask(client, sourceArn);
    if (!task) throw new ReplayProblem(`the move task from ${sourceArn} is not listed: check the SQS console`);
    const total = task.ApproximateNumberOfMessagesToMove;
    out(`${task.Status}: ${task.ApproximateNumberOfMessagesMoved ?? 0}${total === undefined ? '' : ` of ${total}`} moved`);
    if (task.Status && FINAL.has(task.Status)) {
      if (task.Status !== 'COMPLETED') out(`task ended ${task.Status}${task.FailureReason ? `: ${task.FailureReason}` : ''}`);
      return task.Status === 'COMPLETED' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
  }
}

/** The queue URL checked, and the region to call: `--region`, or the URL's. */
function queueOf(values: Values): { url: string; region: string } {
  const url = values['dlq-url'];
  if (typeof url !== 'string' || url === '') throw new ReplayProblem(USAGE, 2);
  const match = QUEUE_URL.exec(url);
  if (!match) throw new ReplayProblem(`--dlq-url ${url} is not an SQS queue URL: use the DeadLetterQueueUrl stack output, https://sqs.<region>.amazonaws.com/<account>/<name>`, 2);
  const urlRegion = match[1] ?? match[2];
  const region = typeof values.region === 'string' ? values.region : urlRegion;
  if (region !== urlRegion) throw new ReplayProblem(`--region ${region} is not the queue's region (${urlRegion}, from its URL): drop --region or use the queue of that region`, 2);
  return { url, region };
}

function rateOf(values: Values): number | undefined {
  if (values['max-per-second'] === undefined) return undefined;
  const rate = Number(values['max-per-second']);
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_MESSAGES_PER_SECOND) {
    throw new ReplayProblem(`--max-per-second must be a whole number from 1 to ${MAX_MESSAGES_PER_SECOND} (the SQS limit)`, 2);
  }
  return rate;
}

/** Starts the task; a second one on the same source is refused by SQS (UnsupportedOperation): said as such. */
async function start(client: SQSClient, sourceArn: string, rate: number | undefined): Promise<string> {
  try {
    // No DestinationArn: SQS moves each message back to the queue it came from.
    const started = await client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, ...(rate ? { MaxNumberOfMessagesPerSecond: rate } : {}) }));
    return started.TaskHandle ?? '';
  } catch (e) {
    if ((e as Error).name !== 'UnsupportedOperation') throw e;
    const running = await latestTask(client, sourceArn).catch(() => undefined);
    if (running?.Status !== 'RUNNING' && running?.Status !== 'CANCELLING') throw e;
    const progress = `${running.ApproximateNumberOfMessagesMoved ?? 0}${running.ApproximateNumberOfMessagesToMove === undefined ? '' : ` of ${running.ApproximateNumberOfMessagesToMove}`} moved`;
    const cancel = running.TaskHandle ? `, or cancel it: aws sqs cancel-message-move-task --task-handle ${running.TaskHandle}` : '';
    throw new ReplayProblem(`a move task is already running from ${sourceArn} (${running.Status}, ${progress}; SQS runs one per queue): wait for it to end${cancel}`);
  }
}

async function latestTask(client: SQSClient, sourceArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const tasks = await client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
  return tasks.Results?.[0];
}

/** An SDK error as one line, with the usual fix for the usual causes. */
function awsProblem(e: unknown): string {
  const error = e as Error & { $metadata?: { httpStatusCode?: number } };
  const name = error?.name ?? 'Error';
  const message = (error?.message ?? String(e)).split('\n')[0];
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) return `replay: no AWS credentials (${message}): set AWS_PROFILE or pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') return `replay: there is no queue at that URL (${name}): use the DeadLetterQueueUrl stack output`;
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || error?.$metadata?.httpStatusCode === 403) return `replay: access denied (${message}): a redrive needs sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks, sqs:GetQueueAttributes, sqs:ReceiveMessage and sqs:DeleteMessage on the DLQ, and sqs:SendMessage on its source queue`;
  return `replay: ${name}: ${message}`;
}
