/**
 * The embedded emulators (dynalite and fauxqs behind the strict local AWS, as startEmulators()
 * starts them) in a process of their own whose wall clock the test moves: `{ advanceMs }` over IPC
 * moves `Date.now()` and `new Date()` forward, which is what fauxqs's 5-minute FIFO deduplication
 * window reads (a toad-cache FifoMap, expiry checked against Date.now() at each lookup). Timers are
 * left alone. Run by ./movable-clock-emulators.ts: `node --import tsx <this file>`.
 */
const RealDate = Date;
let offsetMs = 0;
class MovedDate extends RealDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as [string]));
  }
  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = MovedDate as DateConstructor;

async function main(): Promise<void> {
  // Loaded after the clock is in place: fauxqs and dynalite read the moved Date.
  const { startEmulators } = await import('../../local/strict-aws/emulators');
  const emulators = await startEmulators();
  process.on('message', (message: { advanceMs?: number; stop?: boolean }) => {
    if (message.stop) {
      void emulators.stop().then(() => process.exit(0));
      return;
    }
    offsetMs += message.advanceMs ?? 0;
    process.send?.({ nowMs: Date.now() });
  });
  process.send?.({ dynamoEndpoint: emulators.dynamoEndpoint, sqsEndpoint: emulators.sqsEndpoint, nowMs: Date.now() });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
