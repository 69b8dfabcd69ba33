// Starts the embedded emulators once for the whole jest run, in the parent process, and tells
// the test workers where they are. fauxqs is ESM-only, hence this .mjs file (see TOOLING.md).
import { createRequire } from 'node:module';
import { startFauxqs } from 'fauxqs';

const require = createRequire(import.meta.url);

export default async function globalSetup() {
  const dynalite = require('dynalite');
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', resolve);
  });
  const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  process.env.VW_TEST_DYNAMO_ENDPOINT = `http://127.0.0.1:${dynamo.address().port}`;
  process.env.VW_TEST_SQS_ENDPOINT = `http://127.0.0.1:${sqs.port}`;
  globalThis.__VW_EMULATORS__ = { dynamo, sqs };
}
