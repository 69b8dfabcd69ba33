/**
 * Every alarm watches a metric that exists: for the pipeline's own namespace, a metric the code
 * really emits, found by running the real core, poller and quarantine replay through their outcomes
 * with the functions' EMF telemetry and reading the EMF documents back (EMF dimension sets must match
 * an alarm's dimensions exactly, or the alarm never sees a datapoint), or one the template's access-log
 * metric filters publish; for AWS namespaces, a metric and dimension set AWS documents. The
 * telemetry is the functions' own (`telemetryFromEnv`), given the deployment the construct sets, so
 * every series carries `Deployment` as the alarms expect (test/constructs/deployment-isolation.test.ts
 * checks the values: each pipeline reads its own).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { telemetryFromEnv } from '../../lambda/composition/lambda';
import { ENV } from '../../lambda/contract/deployment';
import { MemoryEventQueue, MemoryJobStore, MemoryQuarantineQueue } from '../../local/adapters/memory';
import { StaticSecretSource } from '../../local/adapters/secrets';
import { newRecord } from '../../lambda/core/delivery';
import { rawRequest } from '../../lambda/core/http';
import type { JobRecord, JobStore, QuarantineMessage } from '../../lambda/core/ports';
import { replayQuarantine, type QuarantineSource } from '../../lambda/core/quarantine-replay';
import { handleWebhook, type WebhookDeps } from '../../lambda/core/webhook';
import { pollOnce } from '../../lambda/poller/poller';
import { createAdapter } from '../../lambda/vendors/registry';
import { REPORT_EVENTS, samplePayload, sampleSecret, signRequest, signsWithSecret, VENDOR_EVENTS } from '../../lambda/vendors/samples';
import { ACCOUNT, exampleStack, largeStack, REGION } from '../support/apps';
import { TemplateValues, type SynthTemplate } from '../support/template-values';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';
import { pollerDeps } from '../poller/harness';
import { OffsetClock, startFakeVendor } from '../poller/support';

/** The environment the construct gives every function, as far as telemetry reads it. */
const FUNCTION_ENV = { [ENV.DEPLOYMENT]: 'AlarmMetrics-Webhooks-0A1B2C3D', AWS_LAMBDA_FUNCTION_NAME: 'test' };

/** `namespace|metric|dimension,names` of every metric series the EMF documents declare. */
function seriesOf(lines: readonly string[]): Set<string> {
  const series = new Set<string>();
  for (const line of lines) {
    const doc = JSON.parse(line) as { _aws?: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } };
    for (const block of doc._aws?.CloudWatchMetrics ?? []) {
      for (const dims of block.Dimensions) for (const m of block.Metrics) series.add(`${block.Namespace}|${m.Name}|${[...dims].sort().join(',')}`);
    }
  }
  return series;
}

/** A store whose writes fail: a backend failure. */
class FailingStore extends MemoryJobStore {
  override async put(): Promise<boolean> {
    throw Object.assign(new Error('throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
  }
}

async function emittedByWebhooks(lines: string[]): Promise<void> {
  const write = (line: string) => lines.push(line);
  const telemetry = telemetryFromEnv(FUNCTION_ENV, { write, buffered: true });
  const now = Date.now();
  // The vendors whose webhooks are reports (an unsigned vendor's callbacks are hints, counted in
  // Hints) signed with their webhook secret alone (a public-key vendor's metrics are the same ones).
  for (const vendor of Object.keys(REPORT_EVENTS).filter(signsWithSecret)) {
    const store = new MemoryJobStore();
    const secret = sampleSecret(vendor);
    const deps: WebhookDeps = {
      adapters: new Map([[vendor, createAdapter({ id: vendor, kind: vendor, options: {} })]]),
      store,
      queue: new MemoryEventQueue(),
      quarantine: new MemoryQuarantineQueue(),
      secrets: new StaticSecretSource({ s: [secret] }),
      secretIdFor: () => 's',
      clock: { now: () => Date.now(), sleep: async () => undefined },
      telemetry,
      config: { ...TEST_DELIVERY_CONFIG, busyWaitMs: 0 },
      maxBodyBytes: 64 * 1024,
    };
    const post = async (body: string, signer = secret, d: WebhookDeps = deps) => {
      await handleWebhook(vendor, rawRequest(signRequest(vendor, body, signer, now), body), d);
      telemetry.flush();
    };
    const completed = JSON.stringify(samplePayload(vendor, 'completed', `job-${vendor}`, now));
    await post(completed); // Enqueued
    await post(completed); // Duplicates
    await post(completed, sampleSecret(vendor)); // Rejected (+ Reason)
    await post('x'.repeat(70 * 1024)); // Rejected body_too_large
    await post('{"not":"a known shape"'); // Quarantined
    await post(JSON.stringify(samplePayload(vendor, 'failed', `job-${vendor}`, now))); // Conflicts
    const progress = VENDOR_EVENTS[vendor].find((e) => e === 'progress' || e === 'created');
    if (progress) {
      await post(JSON.stringify(samplePayload(vendor, progress, `job-${vendor}`, now))); // Stale (after the final)
      const busyJob = `busy-${vendor}`;
      const leased: JobRecord = { ...newRecord(vendor, busyJob, now, TEST_DELIVERY_CONFIG), version: 1, lastEventId: 'another', leaseUntilMs: now + 60_000 };
      await store.put(leased, null);
      await post(JSON.stringify(samplePayload(vendor, progress, busyJob, now))); // Busy
    }
    await post(JSON.stringify(samplePayload(vendor, 'completed', `job2-${vendor}`, now)), secret, { ...deps, store: new FailingStore() }); // BackendErrors
    const firehoseDown = { write: async () => Promise.reject(Object.assign(new Error('Slow down.'), { name: 'ServiceUnavailableException' })) };
    await post(JSON.stringify(samplePayload(vendor, 'completed', `job3-${vendor}`, now)), secret, { ...deps, archive: firehoseDown }); // ArchiveFailed (+ Reason, + the deployment-wide series)
  }
  // An event type a vendor documents as optional: Ignored.
  const lipdubDeps: WebhookDeps = {
    adapters: new Map([['lipdub', createAdapter({ id: 'lipdub', kind: 'lipdub', options: {} })]]),
    store: new MemoryJobStore(),
    queue: new MemoryEventQueue(),
    quarantine: new MemoryQuarantineQueue(),
    secrets: new StaticSecretSource({ s: ['k'] }),
    secretIdFor: () => 's',
    clock: { now: () => Date.now(), sleep: async () => undefined },
    telemetry,
    config: TEST_DELIVERY_CONFIG,
    maxBodyBytes: 64 * 1024,
  };
  const unknown = JSON.stringify({ event_type: 'SOMETHING_NEW', data: { generate_id: 1 } });
  await handleWebhook('lipdub', rawRequest({ authorization: 'Bearer k' }, unknown), lipdubDeps);
  await handleWebhook('nobody', rawRequest({}, '{}'), lipdubDeps); // Rejected unknown_vendor
  telemetry.flush();
}

async function emittedByPolls(lines: string[]): Promise<void> {
  const telemetry = telemetryFromEnv(FUNCTION_ENV, { write: (line) => lines.push(line) });
  const clock = new OffsetClock();
  const sync = await startFakeVendor('sync');
  try {
    const store = new MemoryJobStore();
    const stale = clock.now() - 20 * 60_000;
    const seed = async (jobId: string, at = stale) => store.put({ ...newRecord('sync', jobId, at, TEST_DELIVERY_CONFIG), nextPollAtMs: at }, null);
    await seed('hit');
    sync.jobs.set('hit', { id: 'hit', status: 'COMPLETED' });
    await seed('down');
    await seed('auth');
    await seed('limited');
    await seed('gone', clock.now() - TEST_DELIVERY_CONFIG.giveUpAfterMs - 60_000);
    sync.override = (req) =>
      req.jobId === 'down' ? { status: 503 } : req.jobId === 'auth' ? { status: 401 } : req.jobId === 'limited' ? { status: 429, headers: { 'retry-after': '1' } } : undefined;
    await pollOnce(pollerDeps({ store, queue: new MemoryEventQueue(), clock, telemetry, vendors: [{ server: sync }] }), { deadlineMs: clock.now() + 3000 });
    // Our own backend failing under a poll: PollErrors with Reason backend.
    const failing = new FailingStore();
    for (const [id, r] of store.records) failing.records.set(id, { ...r, nextPollAtMs: stale, leaseUntilMs: null });
    sync.override = () => undefined;
    await pollOnce(pollerDeps({ store: failing, queue: new MemoryEventQueue(), clock, telemetry, vendors: [{ server: sync }] }), { deadlineMs: clock.now() + 3000 });
  } finally {
    await sync.close();
  }
}

async function emittedByReplay(lines: string[]): Promise<void> {
  const telemetry = telemetryFromEnv(FUNCTION_ENV, { write: (line) => lines.push(line) });
  const now = Date.now();
  const body = JSON.stringify(samplePayload('viralsync', 'completed', 'replayed', now));
  const message: QuarantineMessage = { vendor: 'viralsync', reason: 'unknown status', receivedAt: new Date(now).toISOString(), headers: {}, bodyBase64: Buffer.from(body).toString('base64') };
  const queue = [JSON.stringify(message), JSON.stringify({ ...message, vendor: 'viralsync' })];
  const source: QuarantineSource = {
    receive: async () => queue.splice(0, 10).map((b, i) => ({ body: b, handle: String(i) })),
    delete: async () => undefined,
    requeue: async () => undefined,
  };
  const base = { queue: new MemoryEventQueue(), clock: { now: () => Date.now(), sleep: async () => undefined }, telemetry, config: TEST_DELIVERY_CONFIG, quarantine: source, adapterFor: () => createAdapter({ id: 'viralsync', kind: 'viralsync', options: {} }) };
  await replayQuarantine({ ...base, store: new MemoryJobStore() }, { runId: 'r1' }); // QuarantineReplayed
  queue.push(JSON.stringify(message));
  await replayQuarantine({ ...base, store: new FailingStore() as JobStore }, { runId: 'r2' }); // QuarantineReplayFailures
}

/**
 * The metrics and dimension sets AWS publishes for the services alarmed on.
 * SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * Lambda: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * API Gateway HTTP APIs: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 */
const AWS_METRICS: Record<string, { metrics: readonly string[]; dimensionSets: readonly string[] }> = {
  'AWS/SQS': { metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'NumberOfMessagesSent', 'NumberOfMessagesReceived', 'NumberOfMessagesDeleted', 'ApproximateNumberOfMessagesNotVisible'], dimensionSets: ['QueueName'] },
  'AWS/Lambda': { metrics: ['Errors', 'Throttles', 'Duration', 'Invocations', 'ConcurrentExecutions'], dimensionSets: ['FunctionName'] },
  'AWS/ApiGateway': { metrics: ['4xx', '5xx', 'Count', 'Latency', 'IntegrationLatency', 'DataProcessed'], dimensionSets: ['ApiId', 'ApiId,Stage', 'ApiId,Route,Stage'] },
  // https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html (data delivery metrics, per DeliveryStreamName)
  'AWS/Firehose': { metrics: ['DeliveryToS3.DataFreshness', 'DeliveryToS3.Success', 'DeliveryToS3.Records', 'IncomingRecords', 'ThrottledRecords'], dimensionSets: ['DeliveryStreamName'] },
};

describe('alarms and the metrics they watch', () => {
  let emitted: Set<string>;

  beforeAll(async () => {
    const lines: string[] = [];
    await emittedByWebhooks(lines);
    await emittedByPolls(lines);
    await emittedByReplay(lines);
    emitted = seriesOf(lines);
  }, 30_000);

  it('emit, from the running code, every metric of the VideoWebhooks namespace per deployment and vendor, and none without the deployment', () => {
    expect([...emitted].filter((s) => !s.split('|')[2].split(',').includes('Deployment'))).toEqual([]);
    const names = [...emitted].filter((s) => s.endsWith('|Deployment,Vendor')).map((s) => s.split('|')[1]).sort();
    expect(names).toEqual(
      ['ArchiveFailed', 'BackendErrors', 'Busy', 'Conflicts', 'Duplicates', 'Enqueued', 'Expired', 'Ignored', 'PollAuthErrors', 'PollErrors', 'PollHits', 'PollRateLimited', 'PollRequests', 'QuarantineReplayFailures', 'QuarantineReplayed', 'Quarantined', 'Received', 'Rejected', 'Stale'].sort(),
    );
  });

  describe.each([exampleStack(), largeStack()].map((app) => [app.name, app] as const))('in the %s', (_name, app) => {
    const template = Template.fromStack(app.stack).toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const filtered = new Set(
      Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::Logs::MetricFilter')
        .flatMap((r) => (r.Properties.MetricTransformations as Array<{ MetricNamespace: string; MetricName: string; Dimensions?: Array<{ Key: string }> }>).map((m) => `${m.MetricNamespace}|${m.MetricName}|${(m.Dimensions ?? []).map((d) => d.Key).sort().join(',')}`)),
    );

    it.each(alarms.map(([id, a]) => [id, a.Properties] as const))('%s watches a metric that is published, with its dimensions and a fitting statistic', (_id, props) => {
      const dims = ((props.Dimensions as Array<{ Name: string }> | undefined) ?? []).map((d) => d.Name).sort().join(',');
      const key = `${props.Namespace}|${props.MetricName}|${dims}`;
      const aws = AWS_METRICS[props.Namespace as string];
      if (aws) {
        expect({ metric: aws.metrics.includes(props.MetricName as string), dims: aws.dimensionSets.includes(dims) }).toEqual({ metric: true, dims: true });
      } else {
        expect({ key, published: emitted.has(key) || filtered.has(key) }).toEqual({ key, published: true });
        // Counters: the number of events in the period.
        expect(props.Statistic).toBe('Sum');
      }
    });
  });

  describe.each([exampleStack(), largeStack()].map((app) => [app.name, app] as const))('the dashboard of the %s', (_name, app) => {
    const template = Template.fromStack(app.stack).toJSON() as SynthTemplate;
    const values = new TemplateValues(template, { account: ACCOUNT, region: REGION, stackName: app.stack.stackName });
    const dashboards = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.parse(values.resolve(dashboards[0]?.Properties?.DashboardBody) as string) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
    /** `namespace|metric|dims` of every graphed metric; a SEARCH expression by the schema and name it searches. */
    const graphed = body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => {
      const [first] = m;
      if (typeof first === 'object' && first !== null && 'expression' in first) {
        const search = /SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/.exec(String((first as { expression: string }).expression));
        if (!search) throw new Error(`not a SEARCH expression: ${JSON.stringify(first)}`);
        const [namespace, ...dims] = search[1].split(',');
        return `${namespace}|${search[2]}|${dims.sort().join(',')}`;
      }
      const strings = m.filter((x): x is string => typeof x === 'string');
      const dims = strings.slice(2).filter((_, i) => i % 2 === 0);
      return `${strings[0]}|${strings[1]}|${dims.sort().join(',')}`;
    });

    it('exists, one, and graphs only metrics that are published, with their dimensions', () => {
      expect(dashboards).toHaveLength(1);
      for (const key of graphed) {
        const [namespace, metric, dims] = key.split('|');
        const aws = AWS_METRICS[namespace];
        if (aws) expect({ key, metric: aws.metrics.includes(metric), dims: aws.dimensionSets.includes(dims) }).toEqual({ key, metric: true, dims: true });
        else expect({ key, published: emitted.has(key) }).toEqual({ key, published: true });
      }
    });

    /** The vendors whose metric `name` the dashboard graphs (a SEARCH by the vendor it names). */
    const vendorsGraphing = (name: string) =>
      body.widgets
        .flatMap((w) => w.properties.metrics ?? [])
        .flatMap((m) => {
          const [first] = m;
          if (typeof first === 'object' && first !== null && 'expression' in first) {
            const search = /MetricName="([^"]+)".*Vendor="([^"]+)"/.exec(String((first as { expression: string }).expression));
            return search && search[1] === name ? [search[2]] : [];
          }
          const strings = m.filter((x): x is string => typeof x === 'string');
          const vendor = strings.indexOf('Vendor');
          return strings[0] === 'VideoWebhooks' && strings[1] === name && vendor > 0 ? [strings[vendor + 1]] : [];
        })
        .sort();

    it('shows what the issue asks: per vendor counters, queues, the DLQ, the API and the functions', () => {
      const routed = Object.keys(app.ingestion.verifierFunctions).sort();
      // The vendors with a route, and the large app's one poll-only vendor (Runway).
      const vendors = [...routed, ...(app.name === 'large app' ? ['runway'] : [])].sort();
      // What every vendor has (events from polls too), and what only a vendor with a route can have.
      for (const metric of ['Enqueued', 'Duplicates', 'PollHits', 'PollErrors']) expect({ metric, vendors: vendorsGraphing(metric) }).toEqual({ metric, vendors });
      for (const metric of ['Received', 'Quarantined', 'Rejected']) expect({ metric, vendors: vendorsGraphing(metric) }).toEqual({ metric, vendors: routed });
      for (const key of ['AWS/SQS|ApproximateNumberOfMessagesVisible|QueueName', 'AWS/SQS|ApproximateAgeOfOldestMessage|QueueName', 'AWS/ApiGateway|Latency|ApiId', 'AWS/ApiGateway|4xx|ApiId', 'AWS/ApiGateway|5xx|ApiId', 'AWS/Lambda|Errors|FunctionName', 'AWS/Lambda|Duration|FunctionName']) {
        expect(graphed).toContain(key);
      }
      // The events queue, its DLQ and the quarantine: three queues' depth.
      expect(graphed.filter((k) => k === 'AWS/SQS|ApproximateNumberOfMessagesVisible|QueueName').length).toBeGreaterThanOrEqual(3);
    });
  });
});
