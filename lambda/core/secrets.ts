/**
 * The one format of a secret's value (webhook secrets, status-API keys), wherever it is kept:
 * one string, or a JSON array of the strings accepted together during a rotation.
 */

/** Parses a secret value: a JSON array of strings, or else the whole value as one string. */
export function parseSecretValue(value: string | undefined): string[] {
  if (value === undefined) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((v): v is string => typeof v === 'string' && v.length > 0);
    } catch {
      // Not JSON: a secret may legitimately start with '['; use it whole.
    }
  }
  return trimmed.length > 0 ? [trimmed] : [];
}
