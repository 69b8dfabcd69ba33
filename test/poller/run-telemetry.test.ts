import { newRecord } from '../../lambda/core/delivery';
import { MemoryEventQueue, MemoryJobStore } from '../../local/adapters/memory';
import { JsonTelemetry } from '../../lambda/adapters/aws/emf-telemetry';
import { pollOnce } from '../../lambda/poller/poller';
import { RunTelemetry } from '../../lambda/poller/run-telemetry';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';
import { pollerDeps } from './harness';
import { OffsetClock, startFakeVendor } from './support';

describe('RunTelemetry', () => {
  it('sums counters per metric, vendor and dimensions until flushed', () => {
    const calls: unknown[][] = [];
    const spy = { log: () => undefined, count: (...args: unknown[]) => void calls.push(args) };
    const run = new RunTelemetry(spy);
    run.count('PollRequests', 'sync');
    run.count('PollRequests', 'sync', 2);
    run.count('PollErrors', 'sync', 1, { Reason: 'timeout' });
    run.count('PollErrors', 'sync', 1, { Reason: 'timeout' });
    run.count('PollErrors', 'sync', 1, { Reason: 'http_5xx' });
    expect(calls).toHaveLength(0);
    run.flush();
    expect(calls).toEqual([
      ['PollRequests', 'sync', 3, {}],
      ['PollErrors', 'sync', 2, { Reason: 'timeout' }],
      ['PollErrors', 'sync', 1, { Reason: 'http_5xx' }],
    ]);
    run.flush();
    expect(calls).toHaveLength(3);
  });

  it('logs "nothing new" outcomes at debug and everything else as is', () => {
    const lines: Array<[string, string]> = [];
    const run = new RunTelemetry({ log: (level, message) => void lines.push([level, message]), count: () => undefined });
    run.log('info', 'event duplicate', { outcome: 'duplicate' });
    run.log('info', 'event stale', { outcome: 'stale' });
    run.log('info', 'event enqueued', { outcome: 'enqueued' });
    run.log('warn', 'event conflict', { outcome: 'conflict' });
    expect(lines).toEqual([
      ['debug', 'event duplicate'],
      ['debug', 'event stale'],
      ['info', 'event enqueued'],
      ['warn', 'event conflict'],
    ]);
  });

  it('keeps a run over many unchanged jobs to a handful of log lines', async () => {
    const server = await startFakeVendor('sync');
    try {
      const clock = new OffsetClock();
      const store = new MemoryJobStore();
      for (let i = 0; i < 200; i++) {
        const id = `g${i}`;
        await store.put({ ...newRecord('sync', id, clock.now() - 700_000, TEST_DELIVERY_CONFIG), status: 'processing', position: 2.5, lastEventId: 'x', lastEventDelivered: true }, null);
        server.jobs.set(id, { id, status: 'PROCESSING' });
      }
      const lines: string[] = [];
      const telemetry = new JsonTelemetry({ write: (line) => lines.push(line) });
      const deps = pollerDeps({ store, queue: new MemoryEventQueue(), clock, telemetry, vendors: [{ server, requestsPerMinute: 60_000 }] });
      const summary = await pollOnce(deps, { deadlineMs: clock.now() + 10_000 });
      expect(summary.polled).toBe(200);
      // One EMF line per metric (PollRequests, Stale), plus the run summary.
      const emf = lines.filter((l) => l.includes('"_aws"'));
      expect(emf.map((l) => JSON.parse(l)).map((m) => [m._aws.CloudWatchMetrics[0].Metrics[0].Name, m.PollRequests ?? m.Stale])).toEqual([
        ['PollRequests', 200],
        ['Stale', 200],
      ]);
      expect(lines.length - emf.length).toBe(1);
      expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ level: 'info', message: 'poll run finished', polled: 200 });
    } finally {
      await server.close();
    }
  });
});
