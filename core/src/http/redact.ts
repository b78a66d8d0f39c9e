/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY = /authorization|token|secret|password|api[-_]?key|apikey|signature|cookie|client[-_]?secret|code_verifier|refresh|webhook_url|^code$/i;

/** The text that replaces a secret. */
export const REDACTED = '[redacted]';

/**
 * Returns a copy with secret-looking keys masked and every known secret value replaced wherever it
 * occurs (a token can hide inside a URL or an error message).
 */
export function redact<T>(value: T, secrets: Iterable<string> = []): T {
  const known = [...secrets].filter((s) => typeof s === 'string' && s.length >= 6);
  return walk(value, known, 0) as T;
}

/** Replaces every known secret inside a string. */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (typeof s === 'string' && s.length >= 6) out = out.split(s).join(REDACTED);
  return out;
}

function walk(value: unknown, secrets: string[], depth: number): unknown {
  if (depth > 20) return '[deep]';
  if (typeof value === 'string') return secrets.length ? redactText(value, secrets) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : walk(v, secrets, depth + 1);
    return out;
  }
  return value;
}
