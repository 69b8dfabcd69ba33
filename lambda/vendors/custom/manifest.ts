/**
 * A vendor you describe with options instead of code (`Vendor.custom`), as plain data: the
 * options spec below is what `Vendor.custom({ adapterOptions })` and `video-webhooks dev --config`
 * are checked against.
 */
import type { VendorManifest } from '../../contract/manifest';
import { SECONDS, type ObjectSpec } from '../../contract/options';
import { VIDEO_JOB_STATUSES } from '../../contract/statuses';

/** Either way, or only for a timestamp in the past (as some vendors' SDKs check theirs). */
const TIMESTAMP_WINDOWS = ['either-way', 'past-only'] as const;

const PATH_NAMES = ['jobId', 'status', 'errorMessage', 'errorCode', 'outputUrl', 'progress', 'stage', 'time', 'eventType'] as const;
type PathName = (typeof PATH_NAMES)[number];
/** The paths into a body, `required` among them (typed by name: lib's options are checked against them). */
const paths = <R extends PathName>(required: readonly R[]) =>
  ({
    type: 'object',
    properties: Object.fromEntries(PATH_NAMES.map((name) => [name, { type: 'paths' }])) as Record<PathName, { readonly type: 'paths' }>,
    required,
  }) as const satisfies ObjectSpec;

export const customManifest = {
  kind: 'custom',
  title: 'a custom vendor (options only)',
  builtIn: false,
  options: {
    type: 'object',
    properties: {
      auth: {
        type: 'variant',
        tag: 'type',
        variants: {
          hmac: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              algorithm: { type: 'string', oneOf: ['sha256'] },
              signatureHeader: { type: 'string' },
              encoding: { type: 'string', oneOf: ['hex', 'base64'] },
              signaturePrefix: { type: 'string', allowEmpty: true },
              timestampHeader: { type: 'string' },
              template: { type: 'string', mustContain: [{ text: '{body}', why: 'a signature that does not cover the body would authenticate any body' }], default: '{body}' },
              toleranceSeconds: SECONDS,
            },
            required: ['signatureHeader'],
            requiredWhen: { timestampHeader: { option: 'template', contains: '{timestamp}' } },
            // Only a template that signs the timestamp makes the header checked and the tolerance apply.
            onlyWith: {
              timestampHeader: { option: 'template', contains: '{timestamp}', example: '{timestamp}.{body}' },
              toleranceSeconds: { option: 'template', contains: '{timestamp}', example: '{timestamp}.{body}' },
            },
          },
          bearer: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              header: { type: 'string' },
            },
          },
          'standard-webhooks': {
            type: 'object',
            properties: {
              type: { type: 'string' },
              // The spec's recommended tolerance of `webhook-timestamp`, either way.
              toleranceSeconds: { ...SECONDS, default: 300 },
            },
          },
          // One header `t=<unix>,<scheme>=<hex>`, the hex HMAC of `<t>.<raw body>`.
          'keyed-header': {
            type: 'object',
            properties: {
              type: { type: 'string' },
              header: { type: 'string' },
              // The signatures' label; `t` is the timestamp's.
              scheme: {
                type: 'string',
                default: 'v1',
                pattern: { regex: '^(?!t$)[A-Za-z][A-Za-z0-9]*$', use: `use a label of letters and digits starting with a letter, other than t (the timestamp's), e.g. "v1"` },
              },
              toleranceSeconds: { ...SECONDS, default: 300 },
              window: { type: 'string', oneOf: TIMESTAMP_WINDOWS, default: 'either-way' },
            },
            required: ['header'],
          },
          // Ed25519 signatures checked with the public keys of the vendor's JWKS.
          'ed25519-jwks': {
            type: 'object',
            properties: {
              type: { type: 'string' },
              jwksUrl: { type: 'string', httpUrl: true, httpsOnly: { why: 'the keys decide what is authentic, and over plain http anyone on the way could replace them' } },
              signatureHeader: { type: 'string' },
              encoding: { type: 'string', oneOf: ['hex', 'base64'], default: 'hex' },
              timestampHeader: { type: 'string' },
              accountHeader: { type: 'string' },
              // {timestamp}, {body} (the raw bytes), {bodySha256Hex}, {header:<name>}.
              template: {
                type: 'string',
                mustContain: [{ text: '{timestamp}', why: 'an unsigned timestamp could be changed to replay a delivery' }],
                mustContainOneOf: { texts: ['{body}', '{bodySha256Hex}'], why: 'a signature that does not cover the body would authenticate any body' },
              },
              keyIdHeader: { type: 'string' },
              toleranceSeconds: { ...SECONDS, default: 300 },
              window: { type: 'string', oneOf: TIMESTAMP_WINDOWS, default: 'either-way' },
            },
            required: ['jwksUrl', 'signatureHeader', 'timestampHeader', 'accountHeader', 'template'],
            mustMention: {
              template: { option: 'accountHeader', as: '{header:%s}', why: 'an account that is not signed could be changed, and a delivery the vendor signed for another account would pass' },
            },
          },
          // Unsigned callbacks, each a hint for the status API (core/hint.ts); the URL's token is the webhook secret.
          'unsigned-hint': {
            type: 'object',
            properties: {
              type: { type: 'string' },
              tokenParameter: { type: 'string', default: 'token' },
            },
          },
          // No webhooks: jobs are registered and polled at the vendor's poll interval.
          'poll-only': {
            type: 'object',
            properties: {
              type: { type: 'string' },
            },
          },
        },
      },
      paths: paths(['jobId', 'status']),
      statusMap: { type: 'map', values: { type: 'string', oneOf: VIDEO_JOB_STATUSES } },
      statusUrlTemplate: { type: 'string', mustContain: [{ text: '{jobId}', why: '' }], httpUrl: true, inPathOrQuery: '{jobId}' },
      apiKeyHeader: { type: 'string', default: 'authorization' },
      apiKeyPrefix: { type: 'string', allowEmpty: true, default: 'Bearer ' },
      // Paths in the status answer, when they differ from the webhook's.
      statusPaths: paths([]),
    },
    required: ['auth', 'paths', 'statusMap'],
  },
  pollerOnlyOptions: ['statusUrlTemplate', 'apiKeyHeader', 'apiKeyPrefix', 'statusPaths'],
  pollRequestsPerMinute: 60,
  statusApi: 'options',
  reports: 'options',
} as const satisfies VendorManifest;
