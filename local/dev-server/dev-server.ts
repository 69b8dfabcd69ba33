/**
 * `video-webhooks dev`: the deployed pipeline on localhost. The same `handleWebhook` and
 * `deliver` code as the verifier Lambda, and the same poller, on embedded DynamoDB (dynalite) and
 * SQS FIFO (fauxqs). Every event that reaches the queue is read back from it and reported, and
 * handed to the consumer when there is one (`forwardTo`, `handler`), with the queue's redelivery
 * and DLQ rules.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DirectoryArchive } from '../adapters/directory-archive';
import { startEmulators, type Emulators } from '../strict-aws/emulators';
import { isLoopbackHost, loopbackUrl } from '../strict-aws/loopback';
import { DEFAULTS, type VendorRuntimeConfig } from '../../lambda/contract/deployment';
import type { VideoJobEvent } from '../../lambda/core/event';
import { pollOnce, type PollerDeps } from '../../lambda/poller/poller';
import { registry as defaultRegistry, type VendorRegistry } from '../../lambda/vendors/registry';
import { readVendorConfig } from './config';
import { createDevConsole, type DevConsole } from './console/dev-console';
import { forwardUrl, httpForwarder } from './forward-to';
import { lambdaConsumer, loadHandler, type SqsHandler } from './lambda-handler';
import { startQueueTap, type EventConsumer } from './queue-tap';
import { queueInspector, type QueueInspector } from './queue-inspection';
import { secretLine } from './request-log';
import { allowHosts } from './request-guard';
import { routeRequest } from './routes';
import { SQS_MAX_RECEIVE_COUNT, SQS_VISIBILITY_TIMEOUT_SECONDS } from '../../lambda/contract/aws-limits';
import { DevServerStartError, errorCode, listenProblem } from './start-errors';
import { wireLocalPipeline, type LocalPipeline } from './wiring';

export { DevServerStartError } from './start-errors';

export interface DevServerOptions {
  /** @default 8787 (0 picks a free port) */
  readonly port?: number;
  /**
   * Where the dev server and its emulators listen: a loopback address or name only (any 127.x,
   * `::1`, `localhost`); anything else is refused, as is a start whose sockets end up elsewhere.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Host names (a tunnel's) whose requests the inspection and job routes answer too, besides
   * `localhost`, `127.x` and `[::1]` with the server's port. `POST /webhooks/*` answers any host.
   * @default - loopback names only
   */
  readonly allowHosts?: readonly string[];
  /** Also append every queued event, one JSON line each, to this file. */
  readonly eventsFile?: string;
  /** @default 30 */
  readonly pollIntervalSeconds?: number;
  /** @default 600 */
  readonly staleAfterSeconds?: number;
  /** POST each queued event to this URL as a CloudEvent; a 2xx deletes it. @default - no consumer */
  readonly forwardTo?: string;
  /** `FILE[#export]`: an SQS Lambda handler invoked with batches of the queue. @default - no consumer */
  readonly handler?: string;
  /** How long a received event stays hidden; a failed one is received again after it. @default 5 */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives of an event before it moves to the DLQ. @default 5 (DEFAULTS.maxReceiveCount) */
  readonly maxReceiveCount?: number;
  /** A JSON file of custom vendors: `{"vendors":[{"id":"acme","options":{...}}]}`. @default - built-in vendors only */
  readonly config?: string;
  /**
   * Where every authenticated request is archived with its verdict, as the deployed archive keeps
   * them (JSON Lines in `vendor=<id>/day=<YYYY-MM-DD>/` folders, lambda/contract/archive.ts);
   * `false` archives nothing. A relative path starts at `cwd`.
   * @default '.video-webhooks/archive' (under `cwd`)
   */
  readonly archiveDir?: string | false;
  /** Relative `handler`, `config` and `archiveDir` paths start here. @default process.cwd() */
  readonly cwd?: string;
  /** Secrets, status-API base URLs and keys are read from here. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each event read from the queue. @default print it as one line on stdout */
  readonly onEvent?: (event: VideoJobEvent, line: string) => void;
  /**
   * Every line for a person: requests, startup, deliveries, polls.
   * @default one line on stderr; nothing when `onRejection` is given (the caller took the output over)
   */
  readonly log?: (line: string) => void;
  /** Called with each request not answered 2xx, and each ignored or quarantined one. @default nothing besides `log` */
  readonly onRejection?: (line: string) => void;
  /** @default this runtime's vendor list */
  readonly vendors?: VendorRegistry;
}

export interface DevServer {
  readonly url: string;
  /** The console page (`GET /`): requests, jobs, the quarantine and the DLQ of this run, live. */
  readonly consoleUrl: string;
  readonly port: number;
  /** The directory the archive is written to (absolute), or undefined when nothing is archived. */
  readonly archiveDir: string | undefined;
  /** Runs one poll now (the interval runs them anyway). */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts it; a problem with the options, the port or a file is a DevServerStartError that says what to fix. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const settings = settle(options);
  const handler = options.handler === undefined ? undefined : await loadHandler(options.handler, options.cwd);
  const emulators = await startEmulators(settings.host).catch((err: NodeJS.ErrnoException) => {
    throw err.code === undefined ? err : listenProblem(err, settings.host, settings.port);
  });
  const stops: Array<() => Promise<void>> = [() => emulators.stop()];
  try {
    const archive = settings.archiveDir === undefined ? undefined : new DirectoryArchive(settings.archiveDir);
    const pipeline = await wireLocalPipeline(emulators, { env: settings.env, staleAfterSeconds: options.staleAfterSeconds, pollIntervalSeconds: options.pollIntervalSeconds ?? 30, vendors: settings.vendors, configVendors: settings.configVendors, queue: settings.queue, archive });
    const inspector = queueInspector(pipeline.sqs, { endpoint: emulators.sqsEndpoint });
    const devConsole = createDevConsole({ pipeline, inspector, vendors: settings.vendors, configVendors: settings.configVendors, env: settings.env, ...settings.queue, log: settings.log });
    stops.unshift(async () => devConsole.stop());
    const server = await listen(settings, pipeline, inspector, devConsole, options);
    stops.unshift(() => closeServer(server));
    devConsole.listening(addressOf(server).url);
    await reportSecrets(pipeline, settings);
    settings.log(settings.archiveDir === undefined ? 'archive: off (--no-archive)' : `archive: ${settings.archiveDir} (every authenticated request, JSON Lines in vendor=<id>/day=<YYYY-MM-DD>/)`);
    const consumer = await consumerOf(settings, handler, emulators, pipeline);
    const tap = startQueueTap({ sqs: pipeline.sqs, queueUrl: pipeline.queues.queueUrl, ...settings.queue, consumer, onEvent: (line) => report(line, settings, options), onAttempt: devConsole.recordAttempt, log: settings.log });
    stops.unshift(() => tap.stop());
    const polling = startPolling(pipeline.poller, options.pollIntervalSeconds ?? 30, settings.log);
    stops.unshift(() => polling.stop());
    const address = addressOf(server);
    return { ...address, archiveDir: settings.archiveDir, consoleUrl: `${address.url}/`, pollNow: polling.pollNow, stop: () => runAll(stops) };
  } catch (err) {
    await runAll(stops);
    throw err;
  }
}

/** The options checked and completed; throws what to fix before anything starts. */
interface Settings {
  readonly port: number;
  readonly host: string;
  readonly env: NodeJS.ProcessEnv;
  readonly vendors: VendorRegistry;
  readonly configVendors: readonly VendorRuntimeConfig[];
  readonly queue: { readonly visibilityTimeoutSeconds: number; readonly maxReceiveCount: number };
  readonly forwardTo: string | undefined;
  readonly allowHosts: readonly string[];
  readonly eventsFile: string | undefined;
  readonly archiveDir: string | undefined;
  readonly log: (line: string) => void;
}

function settle(options: DevServerOptions): Settings {
  if (options.forwardTo !== undefined && options.handler !== undefined) throw new DevServerStartError('--forward-to and --handler both consume the events queue: pass one of them');
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 5;
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULTS.maxReceiveCount;
  if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 1 || visibilityTimeoutSeconds > SQS_VISIBILITY_TIMEOUT_SECONDS.max) {
    throw new DevServerStartError(`--visibility-timeout-seconds is ${visibilityTimeoutSeconds}: use a whole number of seconds from 1 to ${SQS_VISIBILITY_TIMEOUT_SECONDS.max}`);
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > SQS_MAX_RECEIVE_COUNT) {
    throw new DevServerStartError(`--max-receive-count is ${maxReceiveCount}: use a whole number from 1 to ${SQS_MAX_RECEIVE_COUNT}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new DevServerStartError(
      `--host ${host} is not a loopback address: the dev server is unauthenticated by design, so it listens only on 127.0.0.1 (any 127.x), ::1 or localhost; to let a real vendor reach POST /webhooks/*, run a tunnel to it (README "Develop locally")`,
    );
  }
  if (options.eventsFile !== undefined) checkWritable(options.eventsFile);
  const vendors = options.vendors ?? defaultRegistry;
  return {
    port: options.port ?? 8787,
    host,
    env: options.env ?? process.env,
    vendors,
    configVendors: options.config === undefined ? [] : readVendorConfig(resolve(options.cwd ?? '', options.config), vendors),
    queue: { visibilityTimeoutSeconds, maxReceiveCount },
    forwardTo: options.forwardTo === undefined ? undefined : forwardUrl(options.forwardTo),
    allowHosts: allowHosts(options.allowHosts),
    eventsFile: options.eventsFile,
    archiveDir: archiveDirOf(options),
    log: options.log ?? (options.onRejection ? () => undefined : (line) => process.stderr.write(`${line}\n`)),
  };
}

/** The archive directory, created now (absolute), or undefined for `archiveDir: false`. */
function archiveDirOf(options: DevServerOptions): string | undefined {
  if (options.archiveDir === false) return undefined;
  const dir = resolve(options.cwd ?? process.cwd(), options.archiveDir ?? join('.video-webhooks', 'archive'));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DevServerStartError(`cannot create --archive-dir ${dir} (${errorCode(err)}): give a directory you can write to, or pass --no-archive`);
  }
  return dir;
}

function checkWritable(file: string): void {
  try {
    appendFileSync(file, '');
  } catch (err) {
    throw new DevServerStartError(`cannot write --events-file ${file} (${errorCode(err)}): give a file in a folder that exists and that you can write to`);
  }
}

async function listen(settings: Settings, pipeline: LocalPipeline, inspector: QueueInspector, devConsole: DevConsole, options: DevServerOptions): Promise<Server> {
  const hostRule = { allowHosts: settings.allowHosts, token: devConsole.token };
  const server = createServer(routeRequest({ pipeline, inspector, log: settings.log, onRejection: options.onRejection, hostRule, archiveDir: settings.archiveDir, console: devConsole }));
  await new Promise<void>((listening, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenProblem(err, settings.host, settings.port)));
    server.listen(settings.port, settings.host, () => listening());
  });
  try {
    loopbackUrl(server, 'the dev server');
  } catch (err) {
    await closeServer(server);
    throw new DevServerStartError((err as Error).message);
  }
  return server;
}

/** One line per vendor served: whether its secret variable is set, and in the secret format. */
async function reportSecrets(pipeline: LocalPipeline, settings: Settings): Promise<void> {
  for (const [vendor, adapter] of pipeline.deps.adapters) {
    if (adapter.reports === 'poll') {
      settings.log(`${vendor}: sends no webhooks: its registered jobs are polled (${pollerLine(pipeline, vendor)})`);
      continue;
    }
    const variable = pipeline.deps.secretIdFor(vendor);
    try {
      settings.log(secretLine(vendor, variable, (await pipeline.deps.secrets.get(variable)).length));
    } catch (err) {
      settings.log(`${vendor}: ${(err as Error).message} (until then it answers 503)`);
    }
  }
}

function pollerLine(pipeline: LocalPipeline, vendor: string): string {
  const polled = pipeline.poller.vendors.find((v) => v.id === vendor)?.statusApi !== undefined;
  return polled ? 'its status API is set' : 'set its _API_BASE_URL or _API_KEY variable to poll it';
}

async function consumerOf(settings: Settings, handler: SqsHandler | undefined, emulators: Emulators, pipeline: LocalPipeline): Promise<EventConsumer | undefined> {
  const timeoutMs = settings.queue.visibilityTimeoutSeconds * 1000;
  if (settings.forwardTo !== undefined) return httpForwarder(settings.forwardTo, timeoutMs);
  if (handler === undefined) return undefined;
  const attributes = await pipeline.sqs.send(new GetQueueAttributesCommand({ QueueUrl: pipeline.queues.queueUrl, AttributeNames: ['QueueArn'] }));
  return lambdaConsumer(handler, { queueArn: attributes.Attributes?.QueueArn ?? '', region: emulators.region, timeoutMs, warn: settings.log });
}

function report(line: string, settings: Settings, options: DevServerOptions): void {
  if (settings.eventsFile) appendFileSync(settings.eventsFile, `${line}\n`);
  if (options.onEvent) options.onEvent(JSON.parse(line) as VideoJobEvent, line);
  else process.stdout.write(`${line}\n`);
}

function startPolling(poller: PollerDeps, intervalSeconds: number, log: (line: string) => void): { pollNow(): Promise<void>; stop(): Promise<void> } {
  let polling: Promise<void> | undefined;
  const pollNow = () => {
    polling ??= pollOnce(poller, { deadlineMs: Date.now() + 25_000 })
      .then((s) => {
        if (s.polled > 0 || s.errors > 0) log(`poll: ${s.polled} polled, ${s.hits} new, ${s.expired} expired, ${s.errors} errors`);
      })
      .finally(() => (polling = undefined));
    return polling;
  };
  const interval = setInterval(() => void pollNow(), Math.max(1, intervalSeconds) * 1000);
  return {
    pollNow,
    async stop() {
      clearInterval(interval);
      await Promise.allSettled([polling]);
    },
  };
}

function addressOf(server: Server): { url: string; port: number } {
  return { url: loopbackUrl(server, 'the dev server'), port: (server.address() as AddressInfo).port };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((closed) => server.close(() => closed()));
}

/** Runs each stop in turn (the last started first), whatever the others do. */
async function runAll(stops: ReadonlyArray<() => Promise<void>>): Promise<void> {
  for (const stop of stops) await stop().catch(() => undefined);
}
