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
