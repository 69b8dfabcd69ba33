/**
 * cdk-video-webhooks: AWS CDK constructs for a verified, deduplicated, never-lost inbound webhook
 * pipeline for AI video vendors. The runtime helpers for your own Lambda code (event types,
 * `parseVideoJobEvent`, `registerJob`) are in `cdk-video-webhooks/runtime`.
 */
export { VideoWebhookIngestion, type VideoWebhookIngestionProps, type EventConsumerOptions } from './ingestion';
export {
  Vendor,
  VENDOR_ID_PATTERN,
  type VendorOptions,
  type TimestampedVendorOptions,
  type SyncVendorOptions,
  type LipDubVendorOptions,
  type ViralSyncVendorOptions,
  type SynthesiaVendorOptions,
  type CustomVendorOptions,
} from './vendor';
export { WebhookEventQueue, EVENT_QUEUE_DEFAULTS, type WebhookEventQueueProps } from './event-queue';
export { WebhookQuarantineQueue, type WebhookQuarantineQueueProps } from './quarantine-queue';
export { WebhookJobTable, type WebhookJobTableProps } from './job-table';
export { IngestionAlarms, VIDEO_WEBHOOKS_METRIC_NAMESPACE, VideoWebhooksMetric, type IngestionAlarmThresholds, type IngestionAlarmsProps } from './alarms';
export type { VendorKind, VendorRuntimeConfig, PollerVendorConfig } from '../lambda/config';
export { ENV, DEFAULTS, TABLE_SCHEMA, VENDOR_OPTION_NAMES } from '../lambda/config';
