/**
 * Starts the embedded emulators in this process: dynalite (DynamoDB) and fauxqs (SQS), both on
 * 127.0.0.1 and a free port, behind the strict local AWS (strict-aws.ts), so that a call AWS would
 * reject fails here too and what AWS accepts gets through intact. Clients only ever see the strict
 * layer's endpoints. The emulators are optional peer dependencies: a consumer who only deploys
 * never needs them, and `video-webhooks dev` says what to install when they are missing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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

export const EMULATOR_PACKAGES = ['dynalite@4.0.0', 'fauxqs@1.9.2'] as const;

export async function startEmulators(host = '127.0.0.1'): Promise<Emulators> {
  const dynalite = loadDynalite();
  const fauxqs = await loadFauxqs();
  const dynamoServer: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamoServer.once('error', reject);
    dynamoServer.listen(0, host, () => resolve());
  });
  const sqs = await fauxqs.startFauxqs({ port: 0, host, logger: false });
  const stopEmulators = () => Promise.all([new Promise<void>((resolve) => dynamoServer.close(() => resolve())), sqs.stop()]);
  const strict = await startStrictAws({ dynamoEndpoint: `http://${host}:${(dynamoServer.address() as AddressInfo).port}`, sqsEndpoint: `http://${host}:${sqs.port}` }, host).catch(
    async (err: unknown) => {
      await stopEmulators();
      throw err;
    },
  );
  return endpoints(strict.dynamoEndpoint, strict.sqsEndpoint, async () => {
    await strict.stop();
    await stopEmulators();
  });
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
interface FauxqsModule {
  startFauxqs(options: { port: number; host?: string; logger?: boolean }): Promise<{ port: number; stop(): Promise<void> }>;
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
    return await importEsm('fauxqs');
  } catch {
    throw missing();
  }
}

function missing(): MissingEmulatorError {
  return new MissingEmulatorError(
    `the local emulators are not installed. Run: npm install --save-dev ${EMULATOR_PACKAGES.join(' ')}`,
  );
}
