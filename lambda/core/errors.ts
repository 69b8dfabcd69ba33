/** Error name and message only, cut short: SDK errors can carry request metadata but not our payloads. */
export function describeError(err: unknown): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300);
}
