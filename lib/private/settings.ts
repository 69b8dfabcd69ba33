/** The resolved settings of `VideoWebhookIngestion`, checked one rule per line. */
import { Duration } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DEFAULTS } from '../../lambda/contract/deployment';
import type { VideoWebhookIngestionProps } from '../ingestion-props';
import type { Construct } from 'constructs';
import { validateDuration, validateInteger, validateNumber, validationError } from './validate';
import type { Vendor } from '../vendor';

export type IngestionSettings = ReturnType<typeof resolveSettings>;

/**
 * Route throttling. Some vendors never retry a webhook, so a throttled final webhook is lost (the
 * poller may find it later): the default is well above a vendor's bursts, and a 429 raises an
 * alarm. At ~40 ms per invocation, 1,000 requests/s keep about 40 verifier executions busy, far
 * under the account's default 1,000 concurrent executions.
 */
const DEFAULT_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;

/**
 * The poller's schedule when none is given: every minute when a vendor needs it (a poll interval,
 * or unsigned callbacks the next run answers), else every 5 minutes. 1 minute is the shortest rate
 * a schedule takes (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-rate-expressions).
 */
const PROMPT_SCHEDULE = Duration.minutes(1);
const DEFAULT_SCHEDULE = Duration.minutes(5);
/** The poller's timeout when none is given: 4 minutes, or 50 s on the 1-minute schedule (a run then stops 10 s before it, 20 s before the next). */
const DEFAULT_POLLER_TIMEOUT = Duration.minutes(4);
const PROMPT_POLLER_TIMEOUT = Duration.seconds(50);

export function resolveSettings(scope: Construct, props: VideoWebhookIngestionProps) {
  const prompt = props.pollSchedule === undefined && (props.vendors ?? []).some((v) => v._needsPromptPolling());
  const s = {
    maxBodyBytes: props.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    dedupeWindow: props.dedupeWindow ?? Duration.seconds(DEFAULTS.dedupeWindowSeconds),
    staleAfter: props.staleAfter ?? Duration.seconds(DEFAULTS.staleAfterSeconds),
    giveUpAfter: props.giveUpAfter ?? Duration.seconds(DEFAULTS.giveUpAfterSeconds),
    secretRefresh: props.secretRefreshInterval ?? Duration.seconds(DEFAULTS.secretRefreshSeconds),
    pollConcurrency: props.pollConcurrency ?? DEFAULTS.pollConcurrency,
    pollerTimeout: props.pollerTimeout ?? (prompt ? PROMPT_POLLER_TIMEOUT : DEFAULT_POLLER_TIMEOUT),
    pollSchedule: props.pollSchedule ?? events.Schedule.rate(prompt ? PROMPT_SCHEDULE : DEFAULT_SCHEDULE),
    verifierMemorySize: props.verifierMemorySize ?? 256,
    runtime: validateRuntime(scope, props.runtime ?? lambda.Runtime.NODEJS_24_X),
    throttle: { ...DEFAULT_THROTTLE, ...props.throttle },
  };
  // Base64 inflates a body by 4/3 and Lambda takes 6 MB per synchronous request.
  // 700 KiB: the largest body whose quarantine message (base64, plus headers) still fits SQS's 1 MiB.
  validateInteger(scope, 'maxBodyBytes', s.maxBodyBytes, 1024, 700 * 1024, 'default 262144');
  validateDuration(scope, 'dedupeWindow', s.dedupeWindow, Duration.minutes(10), Duration.days(365));
  validateDuration(scope, 'staleAfter', s.staleAfter, Duration.minutes(1), Duration.days(7));
  validateDuration(scope, 'giveUpAfter', s.giveUpAfter, Duration.minutes(10), Duration.days(365));
  validateDuration(scope, 'secretRefreshInterval', s.secretRefresh, Duration.seconds(0), Duration.hours(24));
  validateDuration(scope, 'pollerTimeout', s.pollerTimeout, Duration.seconds(30), Duration.minutes(15));
  validateInteger(scope, 'pollConcurrency', s.pollConcurrency, 1, 256);
  validateInteger(scope, 'verifierMemorySize', s.verifierMemorySize, 128, 10240);
  validateInteger(scope, 'throttle.burstLimit', s.throttle.burstLimit, 0, 5000, 'the account-level burst quota is 5000');
  validateNumber(scope, 'throttle.rateLimit', s.throttle.rateLimit, (r) => r >= 0, 'requests per second of 0 or more (default 1000)');
  if (!s.staleAfter.isUnresolved() && !s.giveUpAfter.isUnresolved() && s.giveUpAfter.toSeconds() <= s.staleAfter.toSeconds()) {
    throw validationError(scope, `giveUpAfter ${s.giveUpAfter.toHumanString()} is not longer than staleAfter ${s.staleAfter.toHumanString()}: a job must be polled before it expires; raise giveUpAfter`);
  }
  const interval = rateSeconds(s.pollSchedule.expressionString);
  if (interval !== undefined && !s.pollerTimeout.isUnresolved() && s.pollerTimeout.toSeconds() >= interval) {
    throw validationError(scope,
      `pollerTimeout ${s.pollerTimeout.toHumanString()} is not shorter than the poll schedule ${s.pollSchedule.expressionString}: ` +
        'two runs would overlap and together exceed the vendors\' rate limits; lower pollerTimeout or poll less often',
    );
  }
  return s;
}

export function validateVendors(scope: Construct, vendors: Vendor[] | undefined): Vendor[] {
  if (!vendors || vendors.length === 0) {
    throw validationError(scope, "vendors is empty: pass at least one vendor, e.g. vendors: [Vendor.custom({ id: 'acme', ... })]");
  }
  const seen = new Set<string>();
  for (const v of vendors) {
    if (seen.has(v.id)) {
      throw validationError(scope, `vendor id "${v.id}" is given twice: each vendor needs its own id (set id: "${v.id}-2" on the second one)`);
    }
    seen.add(v.id);
  }
  return vendors;
}

/**
 * The Node.js majors the bundles are tested on (test/handlers: they are built for Node.js 22,
 * esbuild target node22). Lambda does not promise compatibility between a language's majors
 * ("AWS Lambda cannot guarantee backward compatibility between major versions"), so a major not
 * tested here is refused rather than assumed to work. Runtimes and their deprecation dates (Node.js
 * 22: 2027-04-30): https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export const TESTED_NODE_MAJORS: readonly number[] = [22, 24];

function validateRuntime(scope: Construct, runtime: lambda.Runtime): lambda.Runtime {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || major === undefined || !TESTED_NODE_MAJORS.includes(Number(major))) {
    throw validationError(scope,
      `runtime ${runtime.name} is not supported: the functions' bundles are built for Node.js 22 and tested on Node.js ${TESTED_NODE_MAJORS.join(' and ')}; ` +
        'use lambda.Runtime.NODEJS_24_X (the default) or lambda.Runtime.NODEJS_22_X',
    );
  }
  return runtime;
}

/** The interval of a `rate(...)` schedule in seconds; undefined for cron expressions. */
function rateSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86_400;
  return Number(m[1]) * unit;
}
