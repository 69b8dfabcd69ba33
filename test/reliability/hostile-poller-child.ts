/**
 * The poller of the hostile-status run, in a process of its own as in Lambda: the jest process
 * keeps the emulators, the hostile servers and the canaries, so the peak RSS measured here
 * (`process.resourceUsage().maxRSS`) is the poller's alone. Forked by hostile-status.test.ts with
 * `--import tsx`; each IPC message runs one poll at the clock offset given and answers its summary
 * and the process's memory.
 */
import { SqsEventQueue } from '../../lambda/adapters/aws/sqs-queue';
import { DynamoJobStore } from '../../lambda/adapters/aws/dynamo-store';
import { CountingTelemetry } from '../../local/adapters/counting-telemetry';
import { endpoints } from '../../local/strict-aws/emulators';
import { pollOnce, type PollSummary } from '../../lambda/poller/poller';
import { VendorRateLimiter } from '../../lambda/poller/rate-limiter';
import { createAdapter } from '../../lambda/vendors/registry';
import { pollerDeps } from '../poller/harness';
import { OffsetClock, type FakeVendor } from '../poller/support';

export interface ChildLane {
  readonly vendor: { readonly id: string; readonly kind: string; readonly options: Record<string, unknown> };
  /** The fake vendor the lane's server imitates. */
  readonly fake: FakeVendor;
  readonly baseUrl: string;
  readonly key: string;
}

export interface ChildSetup {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly requestTimeoutMs: number;
  /** Polled in one run with `budgetMs`. */
  readonly lanes: readonly ChildLane[];
  /** Polled beside them in a run of `shortBudgetMs` (an always-429 vendor: shorter than its pause). */
  readonly shortLanes: readonly ChildLane[];
}

export interface ChildRun {
  readonly offsetMs: number;
  readonly budgetMs: number;
  readonly shortBudgetMs: number;
}

export interface ChildRunReport {
  readonly summary: PollSummary;
  /** The process's peak RSS so far, and before the first run (KiB). */
  readonly maxRssKb: number;
  readonly maxRssBeforeRunsKb: number;
  readonly pausedUntil: Readonly<Record<string, number>>;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as ChildSetup;
const emulators = endpoints(setup.dynamoEndpoint, setup.sqsEndpoint);
const clock = new OffsetClock();
const limiter = new VendorRateLimiter(clock);
const backend = { store: new DynamoJobStore(emulators.dynamoClient(), setup.tableName), queue: new SqsEventQueue(emulators.sqsClient(), setup.queueUrl) };
const depsOf = (lanes: readonly ChildLane[]) =>
  pollerDeps({
    ...backend,
    clock,
    limiter,
    telemetry: new CountingTelemetry(),
    vendors: lanes.map((lane) => ({
      server: { vendor: lane.fake, baseUrl: lane.baseUrl, apiKey: lane.key },
      id: lane.vendor.id,
      statusApi: createAdapter(lane.vendor).statusApi,
      requestTimeoutMs: setup.requestTimeoutMs,
      requestsPerMinute: 600_000,
    })),
  });
const [deps, shortDeps] = [depsOf(setup.lanes), depsOf(setup.shortLanes)];
const maxRssBeforeRunsKb = process.resourceUsage().maxRSS;

process.on('message', (run: ChildRun) => {
  clock.offset = run.offsetMs;
  const at = clock.now();
  void Promise.all([pollOnce(deps, { deadlineMs: at + run.budgetMs }), pollOnce(shortDeps, { deadlineMs: at + run.shortBudgetMs })]).then(([polled, short]) => {
    const report: ChildRunReport = {
      summary: { ...polled, vendors: { ...polled.vendors, ...short.vendors } },
      maxRssKb: process.resourceUsage().maxRSS,
      maxRssBeforeRunsKb,
      pausedUntil: Object.fromEntries([...setup.lanes, ...setup.shortLanes].map((l) => [l.vendor.id, limiter.pausedUntil(l.vendor.id)])),
    };
    process.send?.(report);
  });
});
process.send?.('ready');
