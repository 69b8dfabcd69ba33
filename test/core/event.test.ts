import { CloudEvent, HTTP } from 'cloudevents';
import fc from 'fast-check';
import { buildEvent, EMPTY_MEDIA, eventIdFor, VIDEO_JOB_STATUSES, type NormalizedFields, type VideoJobStatus } from '../../lambda/core/event';
import { InvalidVideoJobEventError, parseVideoJobEvent } from '../../lambda/runtime/parse-event';

const base = (status: VideoJobStatus, extra: Partial<NormalizedFields> = {}): NormalizedFields => ({
  jobId: 'job_a1b2c3',
  status,
  progress: null,
  stage: null,
  outputUrl: null,
  media: null,
  error: null,
  vendorEventType: null,
  vendorStatus: status,
  occurredAtMs: Date.parse('2026-04-02T10:00:52.000Z'),
  raw: { any: ['json', 1, null] },
  ...extra,
});
const opts = { vendor: 'viralsync', receivedVia: 'webhook' as const, receivedAtMs: Date.parse('2026-04-02T10:00:53.123Z') };

describe('the normalized event', () => {
  it('is a valid CloudEvents 1.0 event for the official SDK, for every status', () => {
    for (const status of VIDEO_JOB_STATUSES) {
      const event = buildEvent(base(status), opts);
      const ce = new CloudEvent({ ...event });
      expect(ce.validate()).toBe(true);
      expect(ce.specversion).toBe('1.0');
      // Round trip through the SDK's structured HTTP mode keeps every field.
      const message = HTTP.structured(ce);
      const back = HTTP.toEvent({ headers: message.headers, body: message.body }) as CloudEvent<unknown>;
      expect(back.id).toBe(event.id);
      expect(back.data).toEqual(event.data);
    }
  });

  it('has a deterministic id: same vendor, job and status give the same id, whichever way it came', () => {
    const a = buildEvent(base('succeeded'), opts);
    const b = buildEvent(base('succeeded', { raw: { other: true } }), { ...opts, receivedVia: 'poll', receivedAtMs: 0 });
    expect(a.id).toBe(b.id);
    expect(eventIdFor('viralsync', base('failed'))).not.toBe(a.id);
    expect(eventIdFor('sync', base('succeeded'))).not.toBe(a.id);
  });

  it('gives progress steps their own ids, and the same id for the same step', () => {
    const p = (progress: number) => eventIdFor('viralsync', base('processing', { progress, stage: 'rendering' }));
    expect(p(0.46)).toBe(p(0.4600001));
    expect(p(0.46)).not.toBe(p(0.47));
  });

  it('uses the vendor time when given and the received time otherwise', () => {
    expect(buildEvent(base('succeeded'), opts).time).toBe('2026-04-02T10:00:52.000Z');
    expect(buildEvent(base('succeeded', { occurredAtMs: null }), opts).time).toBe('2026-04-02T10:00:53.123Z');
    expect(buildEvent(base('succeeded', { occurredAtMs: Number.NaN }), opts).time).toBe('2026-04-02T10:00:53.123Z');
  });

  it('is accepted by parseVideoJobEvent from an SQS record, an SDK message, a string and an object', () => {
    const event = buildEvent(base('succeeded', { media: { ...EMPTY_MEDIA, width: 1920 }, outputUrl: 'https://x/y.mp4' }), opts);
    const body = JSON.stringify(event);
    expect(parseVideoJobEvent({ body })).toEqual(event);
    expect(parseVideoJobEvent({ Body: body })).toEqual(event);
    expect(parseVideoJobEvent(body)).toEqual(event);
    expect(parseVideoJobEvent(JSON.parse(body))).toEqual(event);
  });

  it('rejects with a clear error a body that is not JSON, a missing field, and a type that disagrees with the status', () => {
    expect(() => parseVideoJobEvent({ body: '{nope' })).toThrow('the body is not JSON');
    const event = JSON.parse(JSON.stringify(buildEvent(base('failed', { error: { message: 'x', code: null } }), opts)));
    delete event.data.stage;
    expect(() => parseVideoJobEvent(event)).toThrow(InvalidVideoJobEventError);
    expect(() => parseVideoJobEvent(event)).toThrow("must have required property 'stage'");
    const wrong = { ...buildEvent(base('failed'), opts), type: 'video.job.succeeded' };
    expect(() => parseVideoJobEvent(wrong)).toThrow('disagree');
  });

  it('passes the schema for any normalized fields (property-based)', () => {
    const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          jobId: fc.string({ minLength: 1, maxLength: 200 }),
          status: fc.constantFrom(...VIDEO_JOB_STATUSES),
          progress: nullable(fc.double({ min: 0, max: 1, noNaN: true })),
          stage: nullable(fc.string()),
          outputUrl: nullable(fc.webUrl()),
          error: nullable(fc.record({ message: fc.string(), code: nullable(fc.string()) })),
          vendorEventType: nullable(fc.string()),
          vendorStatus: nullable(fc.string()),
          occurredAtMs: nullable(fc.integer({ min: 0, max: 4102444800000 })),
          raw: fc.jsonValue(),
        }),
        (f) => {
          const event = buildEvent({ ...f, media: null }, opts);
          expect(parseVideoJobEvent(JSON.stringify(event)).id).toBe(event.id);
          expect(new CloudEvent({ ...event }).validate()).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
