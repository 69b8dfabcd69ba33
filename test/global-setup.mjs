// Starts the embedded emulators once for the whole jest run, in the parent process, behind the
// strict local AWS (local/strict-aws/strict-aws.ts), and tells the test workers where they are:
// the endpoints are the strict layer's, so every client (test workers, the Lambda bundles they run
// in child processes) is held to AWS's limits. The same startEmulators() as `video-webhooks dev`,
// loaded from TypeScript with tsx (this file runs outside jest's transform).
import { require as tsRequire } from 'tsx/cjs/api';

export default async function globalSetup() {
  const { startEmulators } = tsRequire('../local/strict-aws/emulators.ts', import.meta.url);
  const emulators = await startEmulators();
  process.env.VW_TEST_DYNAMO_ENDPOINT = emulators.dynamoEndpoint;
  process.env.VW_TEST_SQS_ENDPOINT = emulators.sqsEndpoint;
  globalThis.__VW_EMULATORS__ = emulators;
}
