#!/usr/bin/env node
/**
 * `video-webhooks`: the local loop (dev, send), the DLQ and archive replays, and the demo.
 * Each command loads what it needs when it runs, so `--help` starts fast. Every failure is one line
 * on stderr that says what to do (no stack trace) and a non-zero exit.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SQS_MAX_RECEIVE_COUNT, SQS_VISIBILITY_TIMEOUT_SECONDS } from '../lambda/contract/aws-limits';
import { DEFAULTS } from '../lambda/contract/deployment';
import { closest, didYouMean } from '../local/dev-server/suggest';
import { registry } from '../lambda/vendors/registry';

/** The built-in vendors, their secret variables and the sample events each sends: for the help texts. */
const VENDORS = registry.builtIns;
const VENDOR_IDS = VENDORS.map((v) => v.id);
const SECRET_ENVS = VENDORS.map((v) => v.manifest.local.webhookSecretEnv);

// The SDK warns on every start that its 2027 releases need Node 22; a CLI user cannot act on that here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PACKAGE_NAME = 'cdk-video-webhooks';

type Values = Record<string, string | boolean | undefined>;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Positional arguments it takes at most. */
  readonly positionals: number;
  readonly help: string;
  run(values: Values, positionals: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  dev: {
    summary: 'run the pipeline on localhost with embedded DynamoDB and SQS',
    usage:
      'video-webhooks dev [--port 8787] [--host 127.0.0.1] [--allow-host NAME]... [--events-file FILE] [--forward-to URL | --handler FILE[#export]] [--visibility-timeout-seconds 5] [--max-receive-count 5] [--config FILE] [--poll-interval-seconds 30] [--stale-after-seconds 600] [--archive-dir DIR | --no-archive]',
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-host': { type: 'string', multiple: true },
      'events-file': { type: 'string' },
      'forward-to': { type: 'string' },
      handler: { type: 'string' },
      'visibility-timeout-seconds': { type: 'string', default: '5' },
      'max-receive-count': { type: 'string', default: String(DEFAULTS.maxReceiveCount) },
      config: { type: 'string' },
      'poll-interval-seconds': { type: 'string', default: '30' },
      'stale-after-seconds': { type: 'string', default: '600' },
      'archive-dir': { type: 'string' },
      'no-archive': { type: 'boolean', default: false },
    },
    positionals: 0,
    help: `Serves POST /webhooks/{${VENDOR_IDS.join('|')}} with the same verifier and delivery code
as the Lambda functions, on an embedded DynamoDB (dynalite) and SQS FIFO queue (fauxqs).

Secrets come from ${SECRET_ENVS.slice(0, -1).join(', ')} and
${SECRET_ENVS[SECRET_ENVS.length - 1]} (a JSON array ["old","new"] = several accepted); the start says which
are set, and a vendor whose variable is unset answers 503 naming it. Each event that reaches the
queue is printed on stdout as one JSON line; each request on stderr as one line.

Consumers (one of them):
  --forward-to URL          POST each event as a CloudEvent (content-type application/cloudevents+json),
                            each job's events in order; a 2xx deletes it, anything else is redelivered
  --handler FILE[#export]   invoke an SQS Lambda handler (default export: handler) with batches of up
                            to 10 records, honouring its batchItemFailures
  A failed event is received again after --visibility-timeout-seconds (5) and moves to the local DLQ
  after --max-receive-count receives (5); a failing job holds back only its own later events,
  which are received (and counted) with it.

Routes: POST /webhooks/{vendor}, POST /jobs {"vendor","jobId"} (registers a job for the poller),
GET /healthz, GET /quarantine and GET /dlq (what they hold, left in place), POST /dlq/redrive
(moves the DLQ back to the events queue), POST /archive/replay (replays its archive into its own
pipeline: video-webhooks replay-archive --to URL), POST /quarantine/replay (feeds the quarantine
through the adapters again). GET / is the console: a page with this run's requests, each job's
events and what the consumer answered, the quarantine and the DLQ, live; it reads
GET /console/requests, GET /console/jobs, GET /console/vendors and GET /console/events
(Server-Sent Events), and sends test events with POST /console/send.

--config FILE serves custom vendors too: {"vendors":[{"id":"acme","options":{...}}]}, options as the
custom vendor's adapterOptions in JSON, the secret from <ID>_WEBHOOK_SECRET. <ID>_JWKS_URL replaces a
vendor's JWKS URL (public-key signatures), on loopback over plain http too. The poller runs every
--poll-interval-seconds against <VENDOR>_API_BASE_URL / <VENDOR>_API_KEY when set. --port 0 picks a
free port; the URL is printed on stderr. --host takes loopback only (localhost, 127.x, ::1): the
server and its emulators are unauthenticated, so nothing listens beyond this machine.
These routes (all but POST /webhooks/* and GET /healthz) answer 403 unless Host is localhost,
127.x or [::1] with the server's port and Origin is absent or the same (against DNS rebinding and
other sites), and a POST from a browser carries the token of the page this run served;
--allow-host NAME (repeatable) admits a tunnel's host name too. POST /jobs and POST /archive/replay
take content-type application/json only (415). POST /webhooks/* answers any Host, as through a tunnel.

Every authenticated request (webhooks and status answers, with what became of it) is archived in
--archive-dir (default .video-webhooks/archive under the working directory) as the deployed
archive keeps it in S3: JSON Lines in vendor=<id>/day=<YYYY-MM-DD>/ folders. --no-archive turns it off.`,
    run: runDev,
  },
  send: {
    summary: 'sign a realistic vendor webhook (or any body) and post it',
    usage: 'video-webhooks send <vendor> <event> | send <vendor> --body FILE  [--job-id ID] [--port 8787 | --url URL] [--secret S] [--config FILE] [--print]',
    options: {
      'job-id': { type: 'string' },
      port: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      body: { type: 'string' },
      config: { type: 'string' },
      print: { type: 'boolean', default: false },
    },
    positionals: 2,
    help: `Builds the payload the vendor sends for that event, authenticates it as the vendor does (signature
or key) and posts it to http://127.0.0.1:<--port, 8787>/webhooks/<vendor> (or --url). --body FILE
signs and posts that file's bytes instead, for any vendor, the custom vendors of --config FILE too.
The secret is --secret, or the first value of the vendor's variable (e.g. ${SECRET_ENVS[0]},
<ID>_WEBHOOK_SECRET for a config vendor). A vendor that signs with a private key (its public keys in
a JWKS) signs with <ID>_SIGNING_KEY (an Ed25519 private key, PKCS#8 PEM or JWK) for the account the
secret names; the dev server checks it with the keys at <ID>_JWKS_URL. --print prints the signed
request as a curl command instead of sending it. An event the vendor does not send is refused.

Vendors and the events each sends:
${VENDORS.map((v) => `  ${v.id.padEnd(10)} ${v.reports === 'poll' ? '(none: it is polled; register its jobs with POST /jobs)' : `${v.sampleEvents.join(', ')}${v.reports === 'hint' ? ' (unsigned callbacks: the token goes in the URL)' : ''}`}`).join('\n')}`,
    run: runSend,
  },
  replay: {
    summary: 'move messages from the dead-letter queue back to their source queue',
    usage: 'video-webhooks replay --dlq-url URL [--max-per-second N] [--region R] [--profile P]',
    options: {
      'dlq-url': { type: 'string' },
      'max-per-second': { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
    },
    positionals: 0,
    help: `Starts an SQS message-move task (StartMessageMoveTask) from the DLQ back to the queue its messages
came from, and reports progress until the task ends: the same as "Start DLQ redrive" in the SQS
console. The region is the queue URL's (https://sqs.<region>.amazonaws.com/<account>/<name>) unless
--region says otherwise; credentials are the usual AWS ones, or --profile's.`,
    run: runReplay,
  },
  'replay-archive': {
    summary: 'replay archived requests, exactly once, through the account\'s replay function or a dev server',
    usage: 'video-webhooks replay-archive --vendor V [--job J] --since T --until T [--dry-run] (--function NAME [--region R] [--profile P] | --to URL [--archive-dir DIR])',
    options: {
      vendor: { type: 'string' },
      job: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      function: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      to: { type: 'string' },
      'archive-dir': { type: 'string' },
    },
    positionals: 0,
    help: `Re-sends the events the pipeline enqueued from the vendor's archived requests received from
--since to --until (ISO 8601: 2026-12-01, 2026-12-01T09:30:00Z; or now, 90m, 24h, 7d before now),
one job's with --job, through the same adapter and delivery code as live requests, in received
order per job. Exactly once: a replayed event has its original id, so one already delivered inside
the dedupe window is a duplicate, and replaying again adds none. Records older than the dedupe
window are not replayed (the job's record, which keeps its one terminal event, may be gone); nor
are requests that made no event (duplicates, stale, conflicting, ignored) or were quarantined
(replay those from the quarantine). --dry-run reads and counts what a run would do, writes nothing.

--function NAME   invoke the stack's archive replay function (Lambda Invoke; credentials as usual,
                  or --profile; --region); a run longer than one part goes on from its cursor
--to URL          POST /archive/replay of a dev server, which replays its own archive directory
                  into its own pipeline; --archive-dir DIR checks that it is the one it archives to
A progress line follows each part (read, enqueued, duplicate, skipped), a summary the end.`,
    run: runReplayArchive,
  },
  demo: {
    summary: 'start the local pipeline and show it accept, deduplicate and reject webhooks',
    usage: 'video-webhooks demo',
    options: {},
    positionals: 0,
    help: `Starts the dev server on a free port with demo secrets, then for each vendor sends a completed
event, a duplicate of it, a forged one (wrong secret) and a progress event, and prints what was
queued and what was rejected. Exits 0 only if every result is as expected.`,
    run: runDemo,
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command ${name}${didYouMean(name, Object.keys(COMMANDS)) || `: use ${Object.keys(COMMANDS).join(', ')}`} (video-webhooks --help lists them)\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${argumentProblem(err as NodeJS.ErrnoException, name, command)}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`usage: ${command.usage}\n\n${command.help}\n`);
    return 0;
  }
  if (parsed.positionals.length > command.positionals) {
    process.stderr.write(`${name} takes ${command.positionals === 0 ? 'no arguments' : `at most ${command.positionals}`}, got ${parsed.positionals.join(' ')}: usage: ${command.usage}\n`);
    return 2;
  }
  return command.run(parsed.values as Values, parsed.positionals);
}

function printHelp(): void {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  process.stdout.write(`usage: video-webhooks <command> [options]\n\n${lines.join('\n')}\n\nvideo-webhooks <command> --help shows a command's options; --version prints the version.\n`);
}

/** parseArgs' error as one line: the option, what looks like it, where the options are listed. */
function argumentProblem(err: NodeJS.ErrnoException, name: string, command: Command): string {
  const flags = Object.keys(command.options);
  const see = `(video-webhooks ${name} --help lists the options)`;
  const option = /'(-{1,2}[^'\s]+)'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = closest(option.replace(/^-+/, '').split('=')[0], flags);
    return `unknown option ${option}${near ? `: did you mean --${near}?` : ''} ${see}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option ${option.split(' ')[0]} needs a value ${see}`;
  return `${err.message.split('\n')[0]} ${see}`;
}

async function runDev(values: Values): Promise<number> {
  const { DevServerStartError, startDevServer } = await import('../local/dev-server/dev-server');
  const { MissingEmulatorError } = await import('../local/strict-aws/emulators');
  const port = whole(values.port, 'port', 0, 65_535, 'a port number');
  const visibility = whole(values['visibility-timeout-seconds'], 'visibility-timeout-seconds', 1, SQS_VISIBILITY_TIMEOUT_SECONDS.max, 'a whole number of seconds');
  const receives = whole(values['max-receive-count'], 'max-receive-count', 1, SQS_MAX_RECEIVE_COUNT, 'a whole number');
  const pollInterval = whole(values['poll-interval-seconds'], 'poll-interval-seconds', 1, 86_400, 'a whole number of seconds');
  const staleAfter = whole(values['stale-after-seconds'], 'stale-after-seconds', 0, 31_536_000, 'a whole number of seconds');
  if ([port, visibility, receives, pollInterval, staleAfter].includes(undefined)) return 2;
  if (values['no-archive'] && values['archive-dir'] !== undefined) {
    process.stderr.write('--archive-dir and --no-archive contradict each other: pass one of them\n');
    return 2;
  }
  let server;
  try {
    server = await startDevServer({
      port,
      host: String(values.host),
      allowHosts: (values as Record<string, unknown>)['allow-host'] as string[] | undefined, // multiple: an array
      eventsFile: values['events-file'] as string | undefined,
      forwardTo: values['forward-to'] as string | undefined,
      handler: values.handler as string | undefined,
      visibilityTimeoutSeconds: visibility,
      maxReceiveCount: receives,
      config: values.config as string | undefined,
      pollIntervalSeconds: pollInterval,
      staleAfterSeconds: staleAfter,
      archiveDir: values['no-archive'] ? false : (values['archive-dir'] as string | undefined),
    });
  } catch (err) {
    const known = err instanceof DevServerStartError || err instanceof MissingEmulatorError;
    process.stderr.write(`${known ? '' : 'video-webhooks dev could not start: '}${(err as Error).message}\n`);
    exitSoon(1);
    return 1;
  }
  const consumer = values['forward-to'] ? `, forwarding to ${values['forward-to']}` : values.handler ? `, invoking ${values.handler}` : '';
  process.stderr.write(`listening on ${server.url} (POST /webhooks/{vendor}, POST /jobs, GET /healthz, GET /quarantine, GET /dlq, POST /dlq/redrive, POST /archive/replay)${consumer}\n`);
  process.stderr.write(`console: ${server.consoleUrl} (open it in a browser: requests, jobs, the quarantine and the DLQ, live; send a test event)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.stop();
  return 0;
}

async function runSend(values: Values, positionals: string[]): Promise<number> {
  const { sendSample } = await import('./cli-send');
  return sendSample(positionals, values);
}

async function runReplay(values: Values): Promise<number> {
  const { replayDeadLetters } = await import('./cli-replay');
  return replayDeadLetters(values);
}

async function runReplayArchive(values: Values): Promise<number> {
  const { replayArchiveCommand } = await import('./cli-replay-archive');
  return replayArchiveCommand(values);
}

async function runDemo(): Promise<number> {
  const { runDemo: demo } = await import('./cli-demo');
  return demo();
}

/** A whole number from `min` to `max`, or undefined after saying what is wrong. */
function whole(value: string | boolean | undefined, name: string, min: number, max: number, what: string): number | undefined {
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} is ${JSON.stringify(value)}: use ${what} from ${min} to ${max}\n`);
    return undefined;
  }
  return n;
}

/** The version in this package's package.json (above dist/bin/ when built, above bin/ from source). */
function packageVersion(): string {
  for (let dir = __dirname, up = 0; up < 4; dir = dirname(dir), up++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
  }
  return 'unknown';
}

/** After a failed start nothing should keep the process up; if something does, it still ends. */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 1_000).unref();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`video-webhooks: ${(err as Error)?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
