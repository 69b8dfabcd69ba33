/**
 * The runtime entry for your own code (`import ... from 'cdk-video-webhooks/runtime'`): types of
 * the event, the schema, a validating parser for consumers, and job registration for producers.
 * Nothing here imports aws-cdk-lib, so it bundles small into a Lambda.
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
export { registerJob, JobRegistry, TABLE_NAME_ENV, type RegisterJobOptions, type RegisterJobResult, type RegistrationSettings } from './register-job';
export {
  videoJobEventHandler,
  type VideoJobEventCallback,
  type VideoJobEventBatchHandler,
  type SqsEvent,
  type SqsEventRecord,
  type SqsBatchResponse,
  type LambdaContext,
} from './event-handler';
