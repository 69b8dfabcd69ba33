/**
 * A consumer of the events queue must keep each job's order. With an SQS FIFO event source and
 * `ReportBatchItemFailures`, every record not reported failed is deleted: a consumer that goes on
 * after a failure and reports only the failed record lets a later event of the same job through,
 * and the failed earlier one comes back after it (`processing` after `succeeded`). AWS's guidance
 * for FIFO queues: stop at the first failure and report the rest
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { VideoJobEvent } from '../../lambda/core/event';
import { videoJobEventHandler } from '../../lambda/runtime';
import { eventRecord, jobEvent, sqsEvent, sqsRecord } from './sqs-batch';

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * The README's "Consuming events" consumer (`videoJobEventHandler`). `work` is its body: the
 * README's own (`publishVideo` on `succeeded`), or any other handling of an event.
 */
function readmeConsumer(work: (e: VideoJobEvent) => Promise<void>): Handler {
  const handler = videoJobEventHandler(async (event) => {
    await work(event);
  });
  return (event) => handler(event, lambdaContext());
}

function lambdaContext() {
  return { awsRequestId: 'req-1', functionName: 'consumer', getRemainingTimeInMillis: () => 30_000 };
}

const consumers: Array<[string, (work: (e: VideoJobEvent) => Promise<void>) => Handler]> = [['the README consumer', readmeConsumer]];

describe.each(consumers)('%s on the FIFO events queue', (_name, consumer) => {
  it("reports a job's later event failed, and does not handle it, when the job's earlier event does not parse", async () => {
    const published: string[] = [];
    const publishVideo = async (jobId: string, outputUrl: string | null) => void published.push(`${jobId} ${outputUrl}`);
    const handler = consumer(async (e) => {
      if (e.type === 'video.job.succeeded') await publishVideo(e.data.jobId, e.data.outputUrl);
    });
    const unreadable = JSON.stringify({ ...jobEvent('job-a', 'processing', 0.5), type: 'video.job.rendering' });

    const answer = await handler(
      sqsEvent([sqsRecord(unreadable, 'acme#job-a', 'a-1'), eventRecord(jobEvent('job-b', 'succeeded'), 'b-1'), eventRecord(jobEvent('job-a', 'succeeded'), 'a-2')]),
    );

    expect(answer.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a-1', 'a-2']);
    expect(published).toEqual(['job-b https://cdn.example.test/job-b.mp4']);
  });

  it("reports a job's later event failed, and does not handle it, when handling the job's earlier event throws", async () => {
    const handled: string[] = [];
    const handler = consumer(async (e) => {
      if (e.data.jobId === 'job-a' && e.data.status === 'processing') throw new Error('downstream unavailable');
      handled.push(`${e.data.jobId}:${e.data.status}`);
    });

    const answer = await handler(
      sqsEvent([
        eventRecord(jobEvent('job-a', 'processing', 0.5), 'a-1'),
        eventRecord(jobEvent('job-b', 'processing', 0.5), 'b-1'),
        eventRecord(jobEvent('job-a', 'succeeded'), 'a-2'),
        eventRecord(jobEvent('job-b', 'succeeded'), 'b-2'),
      ]),
    );

    expect(answer.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a-1', 'a-2']);
    expect(handled).toEqual(['job-b:processing', 'job-b:succeeded']);
  });
});
