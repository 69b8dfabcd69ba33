export default async function globalTeardown() {
  const emulators = globalThis.__VW_EMULATORS__;
  if (!emulators) return;
  await Promise.all([new Promise((resolve) => emulators.dynamo.close(resolve)), emulators.sqs.stop()]);
}
