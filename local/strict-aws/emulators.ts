/**
 * Starts the embedded emulators in this process: dynalite (DynamoDB) and fauxqs (SQS), both on
 * loopback (127.0.0.1 unless told) and a free port, behind the strict local AWS (strict-aws.ts), so
 * that a call AWS would reject fails here too and what AWS accepts gets through intact. Clients only ever see the strict
 * layer's endpoints. The emulators are optional peer dependencies: a consumer who only deploys
 * never needs them, and `video-webhooks dev` says what to install when they are missing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import { FAUXQS_VERSION, makeFauxqsFifoReceivesSqsShaped } from './fauxqs-fifo';
import { isLoopbackHost, loopbackUrl, NotLoopbackError } from './loopback';
import { startStrictAws } from './strict-aws';

export interface Emulators {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  readonly region: string;
  dynamoClient(): DynamoDBClient;
  sqsClient(): SQSClient;
  stop(): Promise<void>;
}

export class MissingEmulatorError extends Error {}

export const EMULATOR_PACKAGES = ['dynalite@4.0.0', `fauxqs@${FAUXQS_VERSION}`] as const;

/**
 * Starts dynalite, fauxqs and the strict layer on `host`, which must be a loopback address or
 * `localhost`; each server's bound address is checked after it listens (loopback.ts), and a start
 * that would listen anywhere else is refused with everything closed again.
 */
export async function startEmulators(host = '127.0.0.1'): Promise<Emulators> {
  if (!isLoopbackHost(host)) throw new NotLoopbackError(`host ${host} is not a loopback address: the emulators are unauthenticated, use 127.0.0.1, ::1 or localhost`);
  const dynalite = loadDynalite();
  const fauxqs = await loadFauxqs();
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamoServer: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      dynamoServer.once('error', reject);
      dynamoServer.listen(0, host, () => resolve());
    });
    stops.push(() => new Promise<void>((resolve) => dynamoServer.close(() => resolve())));
    const dynamoUrl = loopbackUrl(dynamoServer, 'the embedded DynamoDB (dynalite)');
    // startFauxqs listens on 0.0.0.0 whatever host it is given (fauxqs 1.9.2, dist/app.js): its
    // exported buildApp is the same server, listened on here. `host` only names the queue URLs
    // (sqs.<region>.<host>, as startFauxqs names them); clients use the endpoint, not that name.
    const sqsApp = fauxqs.buildApp({ logger: false, host: isIP(host) === 4 ? host : 'localhost' });
    await sqsApp.listen({ port: 0, host });
    stops.push(() => sqsApp.close());
    const sqsUrl = loopbackUrl(sqsApp.server, 'the embedded SQS (fauxqs)');
    const strict = await startStrictAws({ dynamoEndpoint: dynamoUrl, sqsEndpoint: sqsUrl }, host);
    stops.push(() => strict.stop());
    return endpoints(strict.dynamoEndpoint, strict.sqsEndpoint, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Clients for emulators already running (e.g. started by a jest globalSetup). */
export function endpoints(dynamoEndpoint: string, sqsEndpoint: string, stop: () => Promise<void> = async () => undefined): Emulators {
  const region = 'us-east-1';
  // Emulators accept any key; fixed dummies keep the SDK from looking for real credentials.
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  return {
    dynamoEndpoint,
    sqsEndpoint,
    region,
    dynamoClient: () => new DynamoDBClient({ endpoint: dynamoEndpoint, region, credentials, maxAttempts: 1 }),
    sqsClient: () => new SQSClient({ endpoint: sqsEndpoint, region, credentials, maxAttempts: 1, useQueueUrlAsEndpoint: false }),
    stop,
  };
}

type DynaliteFactory = (options: Record<string, unknown>) => Server;
/** The part of fauxqs used here: `buildApp` gives its Fastify app, not yet listening. */
interface FauxqsModule {
  buildApp(options: { logger?: boolean; host?: string }): FauxqsApp;
}
interface FauxqsApp {
  readonly server: Server;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}

function loadDynalite(): DynaliteFactory {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('dynalite') as DynaliteFactory;
  } catch {
    throw missing();
  }
}

async function loadFauxqs(): Promise<FauxqsModule> {
  try {
    // fauxqs is ESM only; a real dynamic import (not compiled to require) loads it from CommonJS.
    const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<FauxqsModule>;
    const fauxqs = await importEsm('fauxqs');
    // Several messages of a FIFO group per receive, as SQS hands them out (fauxqs-fifo.ts).
    await makeFauxqsFifoReceivesSqsShaped(importEsm);
    return fauxqs;
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('fauxqs ')) throw err;
    throw missing();
  }
}

function missing(): MissingEmulatorError {
  return new MissingEmulatorError(
    `the local emulators are not installed. Run: npm install --save-dev ${EMULATOR_PACKAGES.join(' ')}`,
  );
}
