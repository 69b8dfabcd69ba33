/** EMF metric lines and JSON log lines of the functions (lambda/adapters/aws/emf-telemetry.ts). */
import { JsonTelemetry } from '../../lambda/adapters/aws/emf-telemetry';

describe('JsonTelemetry', () => {
  it("writes EMF and log lines to stdout itself, so Lambda's JSON log format (which wraps console.log) leaves them readable", () => {
    const written: string[] = [];
    const realWrite = process.stdout.write;
    const realLog = console.log;
    // What the Lambda Node.js runtime does with the JSON log format: console.* lines become {"message": ...}.
    console.log = (...args: unknown[]) => written.push(JSON.stringify({ timestamp: 'now', level: 'INFO', message: args.join(' ') }));
    process.stdout.write = ((chunk: string) => (written.push(String(chunk).replace(/\n$/, '')), true)) as typeof process.stdout.write;
    try {
      const telemetry = new JsonTelemetry({ buffered: true });
      telemetry.count('Received', 'acme');
      telemetry.log('info', 'event enqueued', { vendor: 'acme' });
      telemetry.flush();
    } finally {
      process.stdout.write = realWrite;
      console.log = realLog;
    }
    const docs = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs.find((d) => '_aws' in d)).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'VideoWebhooks', Dimensions: [['Vendor']] }] }, Vendor: 'acme', Received: 1 });
    expect(docs.find((d) => d.message === 'event enqueued')).toMatchObject({ level: 'info', vendor: 'acme' });
    expect(docs.some((d) => d.level === 'INFO')).toBe(false);
  });

  it('puts the Deployment dimension in every dimension set when it is given, so two deployments in one account and region are two series', () => {
    const lines: string[] = [];
    const telemetry = new JsonTelemetry({ write: (line) => lines.push(line), deployment: 'VideoWebhooksProd-Webhooks-1A2B3C4D' });
    telemetry.count('Received', 'sync');
    telemetry.count('Rejected', 'sync', 1, { Reason: 'bad_signature' });
    const docs = lines.map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }; Deployment?: string });
    expect(docs.map((d) => d._aws.CloudWatchMetrics[0].Dimensions)).toEqual([[['Deployment', 'Vendor']], [['Deployment', 'Vendor'], ['Deployment', 'Vendor', 'Reason']]]);
    expect(docs.map((d) => d.Deployment)).toEqual(['VideoWebhooksProd-Webhooks-1A2B3C4D', 'VideoWebhooksProd-Webhooks-1A2B3C4D']);
  });

  it('has no Deployment dimension when none is given (the dev server and tests)', () => {
    const lines: string[] = [];
    new JsonTelemetry({ write: (line) => lines.push(line) }).count('Rejected', 'sync', 1, { Reason: 'bad_signature' });
    const doc = JSON.parse(lines[0]) as { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> } };
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Vendor'], ['Vendor', 'Reason']]);
    expect(doc).not.toHaveProperty('Deployment');
  });
});

describe("the verifier's log: one line per request, EMF folded in (issue 20)", () => {
  const env = { AWS_LAMBDA_FUNCTION_NAME: 'VideoWebhooksProd-WebhooksVerifierSync1A2B3C4D-AbCdEfGhIjKl', VW_DEPLOYMENT: 'VideoWebhooksProd-Webhooks-1A2B3C4D' };

  it('writes one JSON line for an enqueued event: the outcome line with the metrics of the request in it, valid EMF', async () => {
    const { telemetryFromEnv } = await import('../../lambda/composition/lambda');
    const lines: string[] = [];
    const telemetry = telemetryFromEnv(env, { buffered: true, oneLinePerInvocation: true, write: (line) => lines.push(line) });
    telemetry.count('Received', 'sync');
    telemetry.count('Enqueued', 'sync');
    telemetry.log('info', 'event enqueued', { vendor: 'sync', jobId: 'gen-1', eventId: '0a1b2c3d-1111-2222-3333-444455556666', status: 'succeeded', receivedVia: 'webhook', outcome: 'enqueued' });
    telemetry.flush();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } };
    expect(line).toMatchObject({ level: 'info', message: 'event enqueued', jobId: 'gen-1', eventId: '0a1b2c3d-1111-2222-3333-444455556666', status: 'succeeded', outcome: 'enqueued', Vendor: 'sync', Deployment: env.VW_DEPLOYMENT, Received: 1, Enqueued: 1 });
    // EMF: every metric named has its value at the root, every dimension too.
    const [directive] = line._aws.CloudWatchMetrics;
    for (const { Name } of directive.Metrics) expect(typeof line[Name]).toBe('number');
    for (const name of directive.Dimensions.flat()) expect(typeof line[name]).toBe('string');
    expect(typeof line._aws.Timestamp).toBe('number');
    // What the line says elsewhere is not repeated: the time (_aws.Timestamp), the vendor (the Vendor dimension), the function (its own log group).
    expect(Object.keys(line)).not.toEqual(expect.arrayContaining(['time']));
    expect(line).not.toHaveProperty('vendor');
    expect(line).not.toHaveProperty('function');
  });

  it('writes a warning or an error at once, whole, on its own line (a timeout cannot lose it); the metrics then go on a line of their own', async () => {
    const { telemetryFromEnv } = await import('../../lambda/composition/lambda');
    const lines: string[] = [];
    const telemetry = telemetryFromEnv(env, { buffered: true, oneLinePerInvocation: true, write: (line) => lines.push(line) });
    telemetry.count('Received', 'sync');
    telemetry.log('error', 'backend failure; the vendor should retry', { vendor: 'sync', reason: 'backend_error' });
    expect(lines).toHaveLength(1);
    telemetry.count('BackendErrors', 'sync');
    telemetry.flush();
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object).includes('_aws'))).toEqual([false, true]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', vendor: 'sync', function: env.AWS_LAMBDA_FUNCTION_NAME });
  });

  it('writes ArchiveFailed on a line of its own, also as a series of the deployment without Vendor (the one alarm per pipeline), and the request\'s other metrics without that set (issue 22)', () => {
    const lines: string[] = [];
    const telemetry = new JsonTelemetry({ write: (line) => lines.push(line), deployment: 'D-1', buffered: true, fold: true });
    telemetry.count('Received', 'sync');
    telemetry.count('Enqueued', 'sync');
    telemetry.count('ArchiveFailed', 'sync', 1, { Reason: 'throttled' });
    telemetry.log('info', 'event enqueued', { vendor: 'sync', jobId: 'j' });
    telemetry.flush();
    const docs = lines.map((line) => JSON.parse(line) as { _aws?: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }; message?: string });
    const withMetric = (name: string) => docs.filter((d) => d._aws?.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name));
    expect(withMetric('ArchiveFailed')).toHaveLength(1);
    expect(withMetric('ArchiveFailed')[0]._aws?.CloudWatchMetrics[0].Dimensions).toEqual([['Deployment', 'Vendor'], ['Deployment', 'Vendor', 'Reason'], ['Deployment']]);
    expect(withMetric('ArchiveFailed')[0]._aws?.CloudWatchMetrics[0].Metrics.map((m) => m.Name)).toEqual(['ArchiveFailed']);
    const outcome = withMetric('Received');
    expect(outcome).toHaveLength(1);
    expect(outcome[0].message).toBe('event enqueued');
    expect(outcome[0]._aws?.CloudWatchMetrics[0].Dimensions).toEqual([['Deployment', 'Vendor']]);
  });
});
