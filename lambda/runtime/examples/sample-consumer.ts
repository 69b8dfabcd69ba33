/**
 * The example app's consumer (bin/app.ts, construct `SampleConsumer`): logs each event of the
 * events queue as one JSON line, in order per job, with `videoJobEventHandler` (a record that fails
 * leaves the rest of its job's records in the batch on the queue). `npm run build` bundles it to
 * assets/sample-consumer/index.js. A real consumer does its work where this one logs; it imports
 * from `cdk-video-webhooks/runtime`.
 */
import { videoJobEventHandler } from '../index';

export const handler = videoJobEventHandler(async (event, record) => {
  console.log(
    JSON.stringify({
      message: 'event',
      id: event.id,
      type: event.type,
      vendor: event.data.vendor,
      jobId: event.data.jobId,
      status: event.data.status,
      terminal: event.data.terminal,
      outputUrl: event.data.outputUrl,
      receiveCount: record.attributes?.ApproximateReceiveCount ?? null,
    }),
  );
});
