// Runs a built Lambda bundle in its own Node process, as Lambda does, and invokes its handler
// for each event the parent sends over IPC. (Inside jest's VM the AWS SDK's lazy
// `import("node:http")` cannot run, and a fresh process is closer to a Lambda container anyway.)
const bundle = process.argv[2];
let handler;
try {
  handler = require(bundle).handler;
} catch (err) {
  process.send({ id: -1, error: `init failed: ${err && err.message}` });
}
process.on('message', async ({ id, event }) => {
  try {
    process.send({ id, result: await handler(event, { getRemainingTimeInMillis: () => 10_000 }) });
  } catch (err) {
    process.send({ id, error: String((err && err.stack) || err) });
  }
});
process.send({ id: 0, ready: true });
