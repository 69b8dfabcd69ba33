/**
 * A job's key, `vendor#jobId`: the DynamoDB partition key of its record and the FIFO message group
 * of its events, so one job's events keep their order and jobs flow in parallel.
 */
export function jobKey(vendor: string, jobId: string): string {
  return `${vendor}#${jobId}`;
}
