/**
 * Runway (the Runway API, api.dev.runwayml.com), as plain data. Sources:
 * - no webhooks: neither @runwayml/sdk@4.20.1 (no webhook or callback field on any create
 *   request) nor the docs describe one; tasks are polled (the SDK's `waitForTaskOutput` polls
 *   every 6 s, lib/polling.js `POLL_TIME`), so this vendor is poll-only;
 * - the status API: `GET https://api.dev.runwayml.com/v1/tasks/{id}` with `Authorization: Bearer
 *   <key>` and `X-Runway-Version: 2024-11-06` (the SDK's default `runwayVersion`): @runwayml/sdk
 *   client.js (base URL, headers) and resources/tasks.d.ts (`retrieve`);
 * - statuses `PENDING | THROTTLED | RUNNING | SUCCEEDED | FAILED | CANCELLED`, `progress` on a
 *   running task, `output` (URLs) on a succeeded one, `failure` and `failureCode` on a failed one;
 *   "Consumers of this API should not expect updates more frequent than once every five seconds
 *   for a given task": resources/tasks.d.ts (`TaskRetrieveResponse`);
 * - limits are per model on concurrency and generations a day (https://docs.dev.runwayml.com/usage/tiers),
 *   not on reads: no read limit is documented, so 60 a minute here (40 tasks in each 1-minute run).
 */
import { localVariables, type VendorManifest } from '../../contract/manifest';

export const runwayManifest = {
  kind: 'runway',
  title: 'Runway',
  builtIn: true,
  reports: 'poll',
  pollIntervalSeconds: 30,
  options: {
    type: 'object',
    properties: {
      // The API version every request names (the SDK's default).
      runwayVersion: { type: 'string', default: '2024-11-06' },
    },
  },
  pollerOnlyOptions: ['runwayVersion'],
  pollRequestsPerMinute: 60,
  statusApi: 'base-url',
  statusApiBaseUrl: 'https://api.dev.runwayml.com',
  // RUNWAY_WEBHOOK_SECRET is never read: Runway sends no webhooks.
  local: localVariables('RUNWAY'),
  sampleEvents: [],
} as const satisfies VendorManifest;
