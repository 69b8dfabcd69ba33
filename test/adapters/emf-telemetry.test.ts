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
});
