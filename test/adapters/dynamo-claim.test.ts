/**
 * The claim as one DynamoDB UpdateItem (lambda/adapters/aws/dynamo-claim.ts) against the pure
 * rules it encodes (lambda/core/claim.ts), on dynalite behind the strict local layer: for generated
 * records and events, the conditional write claims exactly when `claimsAtOnce` says so, leaves the
 * item `applyClaim` describes, and a failed one hands back the stored record. The in-memory store
 * runs the pure rules, so this also holds MemoryJobStore and DynamoJobStore to the same semantics.
 */
import fc from 'fast-check';
import { applyClaim, claimsAtOnce, judge, positionOf, type ClaimRequest } from '../../lambda/core/claim';
import { eventIdFor } from '../../lambda/core/event';
import type { JobRecord } from '../../lambda/core/ports';
import { freshBackend, type TestBackend } from '../support/emulators';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const id = (status: string, progress: number | null) => eventIdFor('viralsync', { jobId: 'j', status: status as never, progress, stage: null });
const EVENTS = [
  { status: 'processing', progress: 0.2 },
  { status: 'processing', progress: 0.6 },
  { status: 'processing', progress: null },
  { status: 'queued', progress: null },
  { status: 'succeeded', progress: null },
  { status: 'failed', progress: null },
] as const;
const IDS = EVENTS.map((e) => id(e.status, e.progress));
const TERMINAL_IDS = IDS.slice(4);

const recordArb = (jobId: string) =>
  fc
    .record({
      // Weighted towards records a claim can pass (no terminal, last delivered, no lease, live), so
      // every rule of the condition is the one that decides in some runs.
      lastEvent: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 3 }),
      lastEventDelivered: fc.constantFrom(true, true, true, false),
      recent: fc.subarray([0, 1, 2, 3]),
      lease: fc.constantFrom(null, null, null, NOW - 1, NOW, NOW + 10_000),
      terminal: fc.option(fc.constantFrom(0, 1), { nil: null, freq: 2 }),
      terminalDelivered: fc.boolean(),
      pending: fc.boolean(),
      position: fc.constantFrom(0, 1, 2, 2, 2.1, 2.3, 2.5, 3),
      expired: fc.constantFrom(false, false, false, true),
      due: fc.constantFrom(null, NOW - 5000, NOW + 5000),
    })
    .map((g): JobRecord => {
      const lastEventId = g.lastEvent === null ? null : IDS[g.lastEvent];
      const terminalEventId = g.terminal === null ? null : TERMINAL_IDS[g.terminal];
      return {
        vendor: 'viralsync',
        jobId,
        version: 3,
        status: terminalEventId ? 'succeeded' : 'processing',
        position: g.position,
        lastEventId,
        lastEventDelivered: lastEventId !== null && g.lastEventDelivered,
        recentEventIds: g.recent.map((i) => IDS[i]).filter((i) => i !== lastEventId),
        leaseUntilMs: g.lease,
        terminalEventId,
        terminalDelivered: terminalEventId !== null && g.terminalDelivered,
        pendingTerminal: terminalEventId !== null && g.pending ? JSON.stringify({ id: terminalEventId }) : null,
        lastActivityMs: NOW - 60_000,
        createdAtMs: NOW - 120_000,
        nextPollAtMs: g.due,
        pollAttempts: 2,
        expiresAtMs: g.expired ? NOW - 1 : NOW + 1e9,
      };
    });

const requestArb = (jobId: string) =>
  fc.record({ event: fc.integer({ min: 0, max: 5 }), moveEntry: fc.boolean() }).map(({ event, moveEntry }): ClaimRequest => {
    const { status, progress } = EVENTS[event];
    const terminal = event >= 4;
    return {
      vendor: 'viralsync',
      jobId,
      eventId: IDS[event],
      status,
      terminal,
      position: positionOf(status, progress),
      samePositionOk: progress === null,
      nowMs: NOW,
      leaseUntilMs: NOW + 30_000,
      pendingTerminal: terminal ? JSON.stringify({ id: IDS[event], data: { status } }) : null,
      nextPollAtMs: NOW + 600_000,
      moveEntry,
      expiresAtMs: NOW + 1e10,
    };
  });

describe('the claim UpdateItem against the rules it encodes (issue 20)', () => {
  let backend: TestBackend;
  let n = 0;
  beforeAll(async () => {
    backend = await freshBackend();
  });

  it('claims exactly when claimsAtOnce says so, leaves the record applyClaim describes, and gives the stored record back otherwise', async () => {
    let claimed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(recordArb('x'), { nil: undefined }),
        requestArb('x'),
        async (template, template_r) => {
          const jobId = `job-${n++}`;
          const stored = template && { ...template, jobId };
          const request = { ...template_r, jobId };
          if (stored) expect(await backend.store.put(stored, null)).toBe(true);
          const result = await backend.store.claim(request);
          const after = await backend.store.get('viralsync', jobId);
          expect(result.claimed).toBe(claimsAtOnce(stored, request));
          if (result.claimed) claimed++;
          else refused++;
          if (result.claimed) {
            expect(result.previous).toEqual(stored);
            expect(after).toEqual(applyClaim(stored, request));
          } else {
            expect(result.current).toEqual(stored);
            expect(after).toEqual(stored);
          }
        },
      ),
      { numRuns: 400, seed: 20 },
    );
    // Both ways, often: a property that only ever claimed (or refused) would prove little.
    expect(Math.min(claimed, refused)).toBeGreaterThan(60);
  });

  it('claims at once only what judge would claim: the write never lets through a duplicate, a stale or a busy event', () => {
    fc.assert(
      fc.property(fc.option(recordArb('x'), { nil: undefined }), requestArb('x'), (stored, request) => {
        const live = stored && stored.expiresAtMs > NOW ? stored : undefined;
        if (claimsAtOnce(stored, request)) expect(judge(live, request)).toBe('claim');
      }),
      { numRuns: 2000, seed: 21 },
    );
  });
});
