/**
 * cdk-video-webhooks: AWS CDK constructs for a verified, deduplicated, never-lost inbound webhook
 * pipeline for AI video vendors. The runtime helpers for your own Lambda code (event types,
 * `parseVideoJobEvent`, `registerJob`) are in `cdk-video-webhooks/runtime`.
 */
export { VideoWebhookIngestion, type VideoWebhookIngestionProps, type EventConsumerOptions } from './ingestion';
export type { RequestArchiveOptions } from './archive-options';
// The Vendor class and every vendor's options (lib/vendors/<vendor>.ts), as lib/vendor.ts lists them.
export * from './vendor';
export {
  WebhookAuth,
  SignatureEncoding,
  TimestampWindow,
  type HmacWebhookAuthOptions,
  type BearerWebhookAuthOptions,
  type KeyedHeaderWebhookAuthOptions,
  type StandardWebhooksAuthOptions,
  type Ed25519JwksWebhookAuthOptions,
  type UnsignedHintAuthOptions,
} from './webhook-auth';
export { WebhookEventQueue, EVENT_QUEUE_DEFAULTS, type WebhookEventQueueProps } from './event-queue';
export { WebhookQuarantineQueue, type WebhookQuarantineQueueProps } from './quarantine-queue';
export { WebhookJobTable, type WebhookJobTableProps } from './job-table';
export { IngestionAlarms, VIDEO_WEBHOOKS_METRIC_NAMESPACE, VideoWebhooksMetric, type IngestionAlarmThresholds, type IngestionAlarmsProps } from './alarms';
