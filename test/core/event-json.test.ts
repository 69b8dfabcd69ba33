/**
 * The event's JSON with `raw` serialized once (lambda/core/event.ts `stringifyWithRawJson`): the
 * JSON of `data.raw`, already made while bounding it, is written in rather than made again, and the
 * result is exactly what JSON.stringify makes of the whole event.
 */
import fc from 'fast-check';
import { sqsSafeJson } from '../../lambda/core/bounds';
import { buildEvent, eventJson, stringifyWithRawJson, type NormalizedFields } from '../../lambda/core/event';

const fields = (raw: unknown): NormalizedFields => ({
  jobId: 'job_a1b2c3',
  status: 'succeeded',
  progress: 1,
  stage: 'done',
  outputUrl: 'https://cdn.example/out.mp4',
  media: null,
  error: null,
  vendorEventType: 'job.completed',
  vendorStatus: 'COMPLETED',
  occurredAtMs: Date.parse('2026-04-02T10:00:52.000Z'),
  raw,
});
const opts = { vendor: 'viralsync', receivedVia: 'webhook' as const, receivedAtMs: Date.parse('2026-04-02T10:00:53.123Z') };

/** Any JSON object, its members in any order, with `data` (holding `raw`) somewhere among them. */
const eventShaped = fc
  .record({
    envelope: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }),
    dataFields: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }),
    raw: fc.jsonValue(),
    dataLast: fc.boolean(),
    rawLast: fc.boolean(),
  })
  .map(({ envelope, dataFields, raw, dataLast, rawLast }) => {
    const data = rawLast ? { ...dataFields, raw } : { raw, ...dataFields };
    return dataLast ? { ...envelope, data } : { data, ...envelope };
  });

describe("the event's JSON with raw serialized once", () => {
  it('is JSON.stringify of the whole object, for any object with data.raw, its members in any order (property)', () => {
    fc.assert(
      fc.property(eventShaped, (event) => {
        expect(stringifyWithRawJson(event, JSON.stringify(event.data.raw))).toBe(JSON.stringify(event));
      }),
      { numRuns: 500 },
    );
  });

  it('writes the raw JSON it is given, unparsed: the splice happens where raw is (last of data, data last)', () => {
    const event = { a: 1, data: { b: 'x', raw: null as unknown } };
    expect(stringifyWithRawJson(event, '{"given":true}')).toBe('{"a":1,"data":{"b":"x","raw":{"given":true}}}');
  });

  it("is what eventJson sends for a built event, whatever the vendor's payload", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const event = buildEvent(fields(raw), opts);
        expect(eventJson(event)).toBe(sqsSafeJson(JSON.stringify(event)));
        expect(JSON.parse(eventJson(event))).toEqual(JSON.parse(JSON.stringify(event)));
      }),
      { numRuns: 200 },
    );
  });
});
