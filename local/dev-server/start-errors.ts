/**
 * Why `video-webhooks dev` could not start, as one line that names the problem and the fix: the
 * CLI prints the message and exits non-zero, with no stack trace.
 */
export class DevServerStartError extends Error {}

/** The listen error of the HTTP server, said for a person. */
export function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): DevServerStartError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new DevServerStartError(`port ${port} on ${host} is in use: stop what listens there, or pass --port 0 to pick a free port`);
    case 'EACCES':
      return new DevServerStartError(`port ${port} on ${host} needs privileges (EACCES): use a port above 1023, or --port 0 to pick a free one`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DevServerStartError(`cannot listen on host ${host} (${err.code}): use a loopback address this machine has, such as 127.0.0.1 or ::1`);
    default:
      return new DevServerStartError(`cannot listen on ${host}:${port}: ${err.message}`);
  }
}

/** The code of a file-system error (`ENOENT`), else its message. */
export function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}
