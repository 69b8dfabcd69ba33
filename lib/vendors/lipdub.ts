/** LipDub AI: its options, and what they are to its adapter (lambda/vendors/lipdub/). */
import { lipdubManifest } from '../../lambda/vendors/lipdub/manifest';
import { vendorDefinition, type BuiltInVendorOptions, type VendorDefinition } from './base';

/**
 * LipDub AI: `webhookSecret` holds the static key LipDub sends as `Authorization: Bearer <key>`.
 *
 * Defaults of the shared options: `id` 'lipdub', `pollRequestsPerMinute` 60, `statusApiBaseUrl` 'https://api.lipdub.ai'.
 */
export interface LipDubVendorOptions extends BuiltInVendorOptions {
  /**
   * Where the job id is in the webhook's `data` (LipDub does not publish its field names), first
   * match wins; numbers become strings.
   *
   * @default ['generate_id', 'render_id', 'job_id', 'id']
   */
  readonly jobIdFields?: string[];

  /**
   * Where the output URL is in `data`.
   *
   * @default ['download_url', 'output_url', 'video_url']
   */
  readonly outputUrlFields?: string[];

  /**
   * Where the failure text is in `data`.
   *
   * @default ['failure_reason', 'error', 'message']
   */
  readonly errorFields?: string[];

  /**
   * Turn event types the adapter does not know into `processing` events (with `vendorEventType`
   * set) instead of answering 202 and dropping them.
   *
   * @default false
   */
  readonly emitUnknownEvents?: boolean;
}

export function lipdubDefinition(options: LipDubVendorOptions): VendorDefinition {
  return vendorDefinition(lipdubManifest, options, {
    jobIdFields: options.jobIdFields,
    outputUrlFields: options.outputUrlFields,
    errorFields: options.errorFields,
    emitUnknownEvents: options.emitUnknownEvents,
  });
}
