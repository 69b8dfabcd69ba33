/**
 * The one format of a secret's value (webhook secrets, status-API keys), wherever it is kept
 * (Secrets Manager, the dev server's environment): the secret itself as plain text, or during a
 * rotation a JSON array of the non-empty strings accepted together, `["old","new"]`.
 */

/** A secret value in neither form: its message says what is wrong, never the value. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
}

const FORMAT = 'store the secret itself as plain text, or a JSON array of the accepted secrets during a rotation, ["old","new"]';

/**
 * Parses a secret value. Blank: no secret. Text that is JSON but not a secret (an object, as the
 * Secrets Manager console's key/value editor writes it, or a quoted string) and text that starts
 * like an array but is not an array of non-empty strings are refused with a SecretFormatError
 * instead of becoming a key nobody signs with.
 */
export function parseSecretValue(value: string | undefined): string[] {
  const trimmed = (value ?? '').trim();
  if (trimmed.length === 0) return [];
  if (trimmed.startsWith('[')) {
    const parsed = jsonOf(trimmed);
    if (!Array.isArray(parsed)) throw new SecretFormatError(`the value starts with [ but is not a JSON array: ${FORMAT}`);
    if (parsed.length === 0 || !parsed.every((v) => typeof v === 'string' && v.trim().length > 0)) {
      throw new SecretFormatError(`the value is a JSON array, but not of non-empty strings: ${FORMAT}`);
    }
    return parsed.map((v: string) => v.trim());
  }
  if (trimmed.startsWith('{') && typeof jsonOf(trimmed) === 'object') throw new SecretFormatError(`the value is a JSON object (key/value pairs): ${FORMAT}`);
  if (trimmed.startsWith('"') && typeof jsonOf(trimmed) === 'string') throw new SecretFormatError(`the value is a quoted JSON string: ${FORMAT} (without the quotes)`);
  return [trimmed];
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
