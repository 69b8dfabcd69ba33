/**
 * FIFO receives in fauxqs as SQS makes them. fauxqs 1.9.2 hands out at most one message of a
 * message group per ReceiveMessage; SQS "returns as many messages with the same message group ID as
 * possible" (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned). The difference
 * hides what a failing consumer costs a job: on SQS a job's later events arrive in the same batch as
 * its failing one, and each of them is received (ApproximateReceiveCount, counted toward the DLQ's
 * maxReceiveCount) every time the failing one is.
 *
 * The strict local AWS is a proxy and cannot change what fauxqs hands out, so this wraps two
 * methods of fauxqs's queue class, in this process, around fauxqs's own code:
 * - a FIFO receive calls fauxqs's receive again, with the groups it has just taken from unlocked
 *   for the call, until the batch is full or no group gives more; the groups are then locked by
 *   all the messages they have in flight, as fauxqs locks them by one;
 * - a message made visible again (visibility 0 or the timeout running out) goes back to its place
 *   in its group's order (fauxqs puts each at the front, which reverses several of one group).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The fauxqs release whose queue class this knows (see EMULATOR_PACKAGES). */
export const FAUXQS_VERSION = '1.9.2';

/** Makes fauxqs's FIFO receives SQS-shaped in this process; idempotent. */
export async function makeFauxqsFifoReceivesSqsShaped(importEsm: (specifier: string) => Promise<unknown>): Promise<void> {
  const root = packageRoot('fauxqs');
  const version = root ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
  if (!root || version !== FAUXQS_VERSION) {
    throw new Error(`fauxqs ${version ?? '(not found)'} is installed; the local emulators need fauxqs ${FAUXQS_VERSION}: npm install --save-dev fauxqs@${FAUXQS_VERSION}`);
  }
  const store = (await importEsm(pathToFileURL(join(root, 'dist', 'sqs', 'sqsStore.js')).href)) as { SqsQueue?: { prototype: FauxqsQueue } };
  const proto = store.SqsQueue?.prototype;
  if (!proto || typeof proto.dequeueFifo !== 'function' || typeof proto.changeVisibility !== 'function' || typeof proto.processTimers !== 'function') {
    throw new Error(`fauxqs ${FAUXQS_VERSION} does not have the queue class the local emulators expect: reinstall it (npm install --save-dev fauxqs@${FAUXQS_VERSION})`);
  }
  if ((proto as Patched)[PATCHED]) return;
  (proto as Patched)[PATCHED] = true;

  const dequeueFifo = proto.dequeueFifo;
  proto.dequeueFifo = function (this: FauxqsQueue, maxCount: number, ...rest: unknown[]): Received[] {
    // Received with visibility 0, a message is visible again at once: one call, as fauxqs makes it.
    const visibility = typeof rest[0] === 'number' ? rest[0] : Number(this.attributes.VisibilityTimeout);
    if (!(visibility > 0)) return dequeueFifo.call(this, maxCount, ...rest);
    const batch: Received[] = [];
    const taken = new Map<string, number>();
    for (;;) {
      const more = dequeueFifo.call(this, Math.min(maxCount, 10) - batch.length, ...rest);
      if (more.length === 0) break;
      for (const m of more) {
        const group = this.inflightMessages.get(m.ReceiptHandle)?.message.messageGroupId ?? '__default';
        taken.set(group, (taken.get(group) ?? 0) + 1);
      }
      batch.push(...more);
      if (batch.length >= Math.min(maxCount, 10)) break;
      // Open the groups this receive took from, so the next call gives their next message.
      for (const group of taken.keys()) this.fifoLockedGroups.delete(group);
    }
    for (const [group, count] of taken) this.fifoLockedGroups.set(group, count);
    // Each group's messages side by side, in order, as one receive of SQS returns them.
    const groupOf = (m: Received) => this.inflightMessages.get(m.ReceiptHandle)?.message.messageGroupId ?? '__default';
    const order = [...taken.keys()];
    return batch.map((m, i) => ({ m, i })).sort((a, b) => order.indexOf(groupOf(a.m)) - order.indexOf(groupOf(b.m)) || a.i - b.i).map(({ m }) => m);
  };

  const changeVisibility = proto.changeVisibility;
  proto.changeVisibility = function (this: FauxqsQueue, receiptHandle: string, timeoutSeconds: number): unknown {
    const group = this.inflightMessages.get(receiptHandle)?.message.messageGroupId;
    const result = changeVisibility.call(this, receiptHandle, timeoutSeconds);
    if (group !== undefined && timeoutSeconds === 0) inSequence(this, [group]);
    return result;
  };

  const processTimers = proto.processTimers;
  proto.processTimers = function (this: FauxqsQueue): unknown {
    const inFlight = [...this.inflightMessages.values()];
    const result = processTimers.call(this);
    const returned = inFlight.filter((e) => this.inflightMessages.get(e.receiptHandle) !== e).map((e) => e.message.messageGroupId ?? '__default');
    if (returned.length > 0) inSequence(this, returned);
    return result;
  };
}

/** Puts these groups' waiting messages in sequence-number order (fauxqs's numbers are zero-padded). */
function inSequence(queue: FauxqsQueue, groups: readonly string[]): void {
  for (const group of new Set(groups)) {
    const waiting = queue.fifoMessages.get(group);
    if (waiting && waiting.length > 1) waiting.sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? -1 : a.sequenceNumber > b.sequenceNumber ? 1 : 0));
  }
}

/** The folder of an installed package, found as Node would look for it (fauxqs exports no package.json). */
function packageRoot(name: string): string | undefined {
  const dir = (require.resolve.paths(name) ?? []).map((d) => join(d, name)).find((d) => existsSync(join(d, 'package.json')));
  // Its real path: the one fauxqs's own imports resolve to, so both load one module.
  return dir === undefined ? undefined : realpathSync(dir);
}

const PATCHED = Symbol.for('cdk-video-webhooks.fauxqs-fifo-receives');

interface QueuedMessage {
  readonly messageGroupId?: string;
  readonly sequenceNumber: string;
}
interface InFlight {
  readonly receiptHandle: string;
  readonly message: QueuedMessage;
}
interface Received {
  readonly ReceiptHandle: string;
}
/** The parts of fauxqs 1.9.2's `SqsQueue` (dist/sqs/sqsStore.js) used here. */
interface FauxqsQueue {
  readonly attributes: Record<string, string>;
  readonly fifoMessages: Map<string, QueuedMessage[]>;
  readonly fifoLockedGroups: Map<string, number>;
  readonly inflightMessages: Map<string, InFlight>;
  dequeueFifo(maxCount: number, ...rest: unknown[]): Received[];
  changeVisibility(receiptHandle: string, timeoutSeconds: number): unknown;
  processTimers(): unknown;
}
type Patched = FauxqsQueue & { [PATCHED]?: boolean };
