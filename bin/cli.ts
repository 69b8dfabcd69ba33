#!/usr/bin/env node
/**
 * `video-webhooks`: the local loop (dev, send), the DLQ replay, and the demo.
 * Each command loads what it needs when it runs, so `--help` starts fast.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { registry } from '../lambda/vendors/registry';

/** The built-in vendors, their secret variables and the sample events each sends: for the help texts. */
const VENDORS = registry.builtIns;
const VENDOR_IDS = VENDORS.map((v) => v.id);
const SECRET_ENVS = VENDORS.map((v) => v.manifest.local.webhookSecretEnv);

// The SDK warns on every start that its 2027 releases need Node 22; a CLI user cannot act on that here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly help: string;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  dev: {
    summary: 'run the pipeline on localhost with embedded DynamoDB and SQS',
    usage: 'video-webhooks dev [--port 8787] [--host 127.0.0.1] [--events-file FILE] [--poll-interval-seconds 30] [--stale-after-seconds 600]',
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'events-file': { type: 'string' },
      'poll-interval-seconds': { type: 'string', default: '30' },
      'stale-after-seconds': { type: 'string', default: '600' },
    },
    help: `Serves POST /webhooks/{${VENDOR_IDS.join('|')}} with the same verifier and delivery code
as the Lambda functions, on an embedded DynamoDB (dynalite) and SQS FIFO queue (fauxqs).

Secrets come from ${SECRET_ENVS.slice(0, -1).join(', ')} and
${SECRET_ENVS[SECRET_ENVS.length - 1]} (comma-separated = several accepted). A vendor whose variable is unset
answers 503 naming it. Each event that reaches the queue is printed on stdout as one JSON line;
each rejection on stderr as one line. POST /jobs {"vendor","jobId"} registers a job for the
poller, which runs every --poll-interval-seconds against <VENDOR>_API_BASE_URL / <VENDOR>_API_KEY
when set. GET /healthz answers 200 when ready. Port 0 picks a free port; the URL is printed on stderr.`,
    run: runDev,
  },
  send: {
    summary: 'sign a realistic vendor webhook and post it',
    usage: 'video-webhooks send <vendor> <created|progress|completed|failed|cancelled> [--job-id ID] [--url URL] [--secret S] [--print]',
    options: {
      'job-id': { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      print: { type: 'boolean', default: false },
    },
    help: `Builds the payload the vendor sends for that event, authenticates it as the vendor does (signature
or key) and posts it, by default to http://127.0.0.1:8787/webhooks/<vendor>. The secret is --secret,
or the first value of the vendor's variable (e.g. ${SECRET_ENVS[0]}). --print prints the signed
request as a curl command instead of sending it. An event the vendor does not send is refused.

${VENDORS.map((v) => `  ${v.id.padEnd(10)} ${v.sampleEvents.join(', ')}`).join('\n')}`,
    run: runSend,
  },
  replay: {
    summary: 'move messages from the dead-letter queue back to their source queue',
    usage: 'video-webhooks replay --dlq-url URL [--max-per-second N]',
    options: {
      'dlq-url': { type: 'string' },
      'max-per-second': { type: 'string' },
    },
    help: `Starts an SQS message-move task (StartMessageMoveTask) from the DLQ back to the queue its messages
came from, and reports progress until the task ends. Needs AWS credentials and a region (the usual
AWS_* variables or profile); the same as "Start DLQ redrive" in the SQS console.`,
    run: runReplay,
  },
  demo: {
    summary: 'start the local pipeline and show it accept, deduplicate and reject webhooks',
    usage: 'video-webhooks demo',
    options: {},
    help: `Starts the dev server on a free port with demo secrets, then for each vendor sends a completed
event, a duplicate of it, a forged one (wrong secret) and a progress event, and prints what was
queued and what was rejected. Exits 0 only if every result is as expected.`,
    run: runDemo,
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command ${name}\n\n`);
    printHelp();
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`usage: ${command.usage}\n\n${command.help}\n`);
    return 0;
  }
  return command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

function printHelp(): void {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  process.stdout.write(`usage: video-webhooks <command> [options]\n\n${lines.join('\n')}\n\nvideo-webhooks <command> --help shows a command's options.\n`);
}

async function runDev(values: Record<string, string | boolean | undefined>): Promise<number> {
  const { startDevServer } = await import('../lambda/local/dev-server');
  const { MissingEmulatorError } = await import('../lambda/adapters/local/emulators');
  const port = integer(values.port, 'port');
  const pollInterval = integer(values['poll-interval-seconds'], 'poll-interval-seconds');
  const staleAfter = integer(values['stale-after-seconds'], 'stale-after-seconds');
  if (port === undefined || pollInterval === undefined || staleAfter === undefined) return 2;
  let server;
  try {
    server = await startDevServer({
      port,
      host: String(values.host),
      eventsFile: values['events-file'] as string | undefined,
      pollIntervalSeconds: Math.max(1, pollInterval),
      staleAfterSeconds: staleAfter,
    });
  } catch (err) {
    if (err instanceof MissingEmulatorError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  process.stderr.write(`listening on ${server.url} (POST /webhooks/{vendor}, POST /jobs, GET /healthz)\n`);
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

async function runSend(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> {
  const { sendSample } = await import('./cli-send');
  return sendSample(positionals, values);
}

async function runReplay(values: Record<string, string | boolean | undefined>): Promise<number> {
  const { replayDeadLetters } = await import('./cli-replay');
  return replayDeadLetters(values);
}

async function runDemo(): Promise<number> {
  const { runDemo: demo } = await import('./cli-demo');
  return demo();
}

function integer(value: string | boolean | undefined, name: string): number | undefined {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a whole number, got ${String(value)}\n`);
    return undefined;
  }
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`video-webhooks: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
