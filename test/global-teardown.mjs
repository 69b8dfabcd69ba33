export default async function globalTeardown() {
  await globalThis.__VW_EMULATORS__?.stop();
}
