/**
 * The TCP sockets a process listens on, read from the operating system (not from the process):
 * on Linux its socket inodes (/proc/<pid>/fd) joined with the listening entries of
 * /proc/<pid>/net/tcp and tcp6; on macOS `lsof -a -p <pid> -iTCP -sTCP:LISTEN -nP`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  /** `127.0.0.1`, `0.0.0.0`, `::1`, `::`, `::ffff:127.0.0.1`... */
  readonly address: string;
  readonly port: number;
}

/**
 * Why this machine cannot list a process's sockets (a test then skips that assertion, saying
 * this), or undefined when it can.
 */
export function socketListingUnavailable(): string | undefined {
  if (process.platform === 'linux') return existsSync('/proc/self/net/tcp') ? undefined : 'this Linux has no /proc/self/net/tcp';
  if (process.platform === 'darwin') {
    try {
      execFileSync('lsof', ['-v'], { stdio: 'ignore' });
      return undefined;
    } catch (err) {
      // `lsof -v` exits 1 after printing its version; only a missing binary is a reason to skip.
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'macOS without lsof on the PATH' : undefined;
    }
  }
  return `listing a process's sockets is written for Linux (/proc) and macOS (lsof), not ${process.platform}`;
}

export function listeningSockets(pid: number): ListeningSocket[] {
  if (process.platform === 'linux') return fromProc(pid);
  if (process.platform === 'darwin') return fromLsof(pid);
  throw new Error(`listing a process's sockets is written for Linux and macOS, not ${process.platform}`);
}

/** Is this address one only this machine can reach? */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}

/** The TCP LISTEN state in /proc/net/tcp (include/net/tcp_states.h: TCP_LISTEN = 10). */
const LISTEN = '0A';

function fromProc(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const rows = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== LISTEN || !inodes.has(inode)) continue;
      const [hexAddress, hexPort] = local.split(':');
      sockets.push({ address: table === 'tcp' ? ipv4(hexAddress) : ipv6(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

/** /proc/net/tcp writes the address as one 32-bit word in host byte order (little-endian here). */
function ipv4(hex: string): string {
  return wordBytes(hex).join('.');
}

/** /proc/net/tcp6 writes four 32-bit words, each in host byte order. */
function ipv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => ((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

function wordBytes(hex: string): number[] {
  const word = parseInt(hex, 16);
  return [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff];
}

function fromLsof(pid: number): ListeningSocket[] {
  let out: string;
  try {
    out = execFileSync('lsof', ['-a', '-p', String(pid), '-iTCP', '-sTCP:LISTEN', '-nP', '-Fn'], { encoding: 'utf8' });
  } catch (err) {
    // lsof exits 1 when the process has no such socket, with nothing on stdout.
    const e = err as { status?: number; stdout?: string };
    if (e.status !== 1) throw err;
    out = e.stdout ?? '';
  }
  return out
    .split('\n')
    .filter((line) => line.startsWith('n'))
    .map((line) => {
      const name = line.slice(1);
      const at = name.lastIndexOf(':');
      const address = name.slice(0, at).replace(/^\[|\]$/g, '');
      return { address: address === '*' ? '0.0.0.0' : address, port: Number(name.slice(at + 1)) };
    });
}
