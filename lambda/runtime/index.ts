/**
 * The runtime entry for your own code (`import ... from 'cdk-video-webhooks/runtime'`): types of
 * the event, the schema, a FIFO-safe SQS handler and a validating parser for consumers, and job
 * registration for producers. Nothing here imports aws-cdk-lib or a schema compiler, and the
 * package ships it as ES modules too, so a consumer's bundle keeps only what it imports (a consumer
 * never carries registerJob's DynamoDB client).
 */
export type {
  VideoJobEvent,
  VideoJobEventData,
  VideoJobStatus,
  VideoJobMedia,
  VideoJobError,
  ReceivedVia,
} from '../core/event';
export { VIDEO_JOB_STATUSES, TERMINAL_STATUSES, isTerminal } from '../core/event';
export { parseVideoJobEvent, videoJobEventSchema, InvalidVideoJobEventError, type VideoJobEventInput } from './parse-event';
export { registerJob, JobRegistry, InvalidJobIdError, TABLE_NAME_ENV, type RegisterJobOptions, type RegisterJobResult, type RegistrationSettings } from './register-job';
export {
  videoJobEventHandler,
  type VideoJobEventCallback,
  type VideoJobEventBatchHandler,
  type SqsEvent,
  type SqsEventRecord,
  type SqsBatchResponse,
  type LambdaContext,
} from './event-handler';
