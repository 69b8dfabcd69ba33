/**
 * The validator parseVideoJobEvent runs is precompiled by `npm run build` (ajv standalone code in
 * lambda/runtime/event-validator.generated.ts), so no schema compiler runs in a consumer's Lambda.
 * It must answer exactly as ajv compiling the published schema at run time did (the runtime's
 * former validator: allErrors, non-strict, ajv-formats' date-time): the same verdict and the same
 * errors, for valid events, events with a field broken, and any JSON at all.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import schema from '../../schema/video-job-event.schema.json';
import { buildEvent, VIDEO_JOB_STATUSES, type VideoJobStatus } from '../../lambda/core/event';
import generated from '../../lambda/runtime/event-validator.generated';

type Validator = ((value: unknown) => boolean) & { errors?: unknown };

function referenceValidator(): Validator {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv, ['date-time']);
  return ajv.compile(schema);
}

const precompiled = generated as Validator;
const reference = referenceValidator();

function verdicts(value: unknown) {
  const ours = precompiled(value);
  const theirs = reference(value);
  return { ours: { valid: ours, errors: ours ? null : precompiled.errors }, theirs: { valid: theirs, errors: theirs ? null : reference.errors } };
}

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

/** Valid events, as the pipeline builds them. */
const eventArb = fc
  .record({
    vendor: fc.constantFrom('sync', 'acme', 'my-vendor-2'),
    jobId: fc.string({ minLength: 1, maxLength: 40 }),
    status: fc.constantFrom<VideoJobStatus>(...VIDEO_JOB_STATUSES),
    progress: nullable(fc.double({ min: 0, max: 1, noNaN: true })),
    stage: nullable(fc.string()),
    outputUrl: nullable(fc.webUrl()),
    withMedia: fc.boolean(),
    error: nullable(fc.record({ message: fc.string(), code: nullable(fc.string()) })),
    occurredAtMs: nullable(fc.integer({ min: 0, max: 4102444800000 })),
    receivedAtMs: fc.integer({ min: 0, max: 4102444800000 }),
    raw: fc.jsonValue(),
  })
  .map((f) =>
    buildEvent(
      {
        ...f,
        media: f.withMedia ? { durationSeconds: 10, width: null, height: 1080, fileSizeBytes: null, thumbnailUrl: null, captions: { srt: null, vtt: 'https://x/y.vtt' } } : null,
        vendorEventType: null,
        vendorStatus: f.status,
      },
      { vendor: f.vendor, receivedVia: 'poll', receivedAtMs: f.receivedAtMs },
    ),
  );

/** Strings near and far from RFC 3339 date-times: the format check is the least obvious part. */
const dateTimeish = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 19 }),
      fc.integer({ min: 0, max: 39 }),
      fc.constantFrom('T', 't', ' ', '_'),
      fc.integer({ min: 0, max: 29 }),
      fc.integer({ min: 0, max: 69 }),
      fc.integer({ min: 0, max: 69 }),
      fc.constantFrom('', '.5', '.123456789', '.'),
      fc.constantFrom('Z', 'z', '+00:00', '-23:59', '+2400', '+05', '', '+25:00'),
    )
    .map(([y, mo, d, t, h, mi, s, frac, tz]) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0');
      return `${p(y, 4)}-${p(mo)}-${p(d)}${t}${p(h)}:${p(mi)}:${p(s)}${frac}${tz}`;
    }),
  fc.constantFrom('2024-02-29T12:00:00Z', '2023-02-29T12:00:00Z', '1998-12-31T23:59:60Z', '1998-12-31T23:59:60+01:00', '2026-04-02T10:00:52.000Z', ''),
  fc.string(),
);

/** One field of a valid event replaced, or removed. */
const brokenEventArb = fc
  .tuple(
    eventArb,
    fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'data.vendor', 'data.jobId', 'data.status', 'data.terminal', 'data.progress', 'data.stage', 'data.media', 'data.media.width', 'data.media.captions', 'data.error', 'data.error.code', 'data.receivedVia', 'data.receivedAt', 'data.raw', 'extra'),
    fc.oneof(fc.constant(undefined), fc.jsonValue(), dateTimeish, fc.double(), fc.constantFrom('', '1.0', 'video.job.queued', 'video-webhooks/x', 'webhook', -0.5, 1.5)),
  )
  .map(([event, path, value]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    const keys = path.split('.');
    let at: Record<string, unknown> = copy;
    for (const k of keys.slice(0, -1)) {
      if (at[k] === null || typeof at[k] !== 'object') at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === undefined) delete at[last];
    else at[last] = value;
    return copy;
  });

describe('the precompiled event validator', () => {
  it('accepts every valid event, like ajv compiling the schema at run time', () => {
    fc.assert(fc.property(eventArb, (event) => expect(verdicts(event)).toEqual({ ours: { valid: true, errors: null }, theirs: { valid: true, errors: null } })), { numRuns: 300 });
  });

  it('answers an event with a field broken or removed with the same verdict and the same errors as ajv at run time', () => {
    fc.assert(
      fc.property(brokenEventArb, (value) => {
        const v = verdicts(value);
        expect(v.ours).toEqual(v.theirs);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers any JSON, and date-time strings near and far from RFC 3339, the same as ajv at run time', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const v = verdicts(value);
        expect(v.ours).toEqual(v.theirs);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(eventArb, dateTimeish, (event, time) => {
        const v = verdicts({ ...event, time, data: { ...event.data, receivedAt: time } });
        expect(v.ours).toEqual(v.theirs);
      }),
      { numRuns: 2000 },
    );
  });
});
