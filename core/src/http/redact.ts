/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY =
  /authorization|token|secret|password|api[-_]?key|apikey|signature|cookie|client[-_]?secret|code_verifier|refresh|webhook_url|^code$/i;

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

/**
 * A URL as logs and errors may show it: scheme, host and port only, with path, query, fragment and
 * user info replaced. Built from the parsed URL, so no written form (a query string, an upper-case
 * host, a character the parser re-encodes) can slip past, as a search for the raw string would.
 */
export function redactUrl(url: URL | string): string {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return REDACTED;
  }
  const hidden = u.pathname.length > 1 || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '';
  return hidden ? `${u.protocol}//${u.host}/${REDACTED}` : `${u.protocol}//${u.host}`;
}

/**
 * The forms a secret value can take once something has parsed it: a URL credential (a catch hook) as
 * written, as the URL parser writes it back, and its path and query alone (encoded and decoded), so
 * text redaction finds it whichever form an error message or a log line carries.
 */
export function secretForms(value: string): string[] {
  const forms = new Set([value]);
  let u: URL | undefined;
  try {
    if (/^https?:\/\//i.test(value)) u = new URL(value);
  } catch {
    /* not a URL: the value as given is the only form */
  }
  if (u) {
    const pathAndQuery = `${u.pathname}${u.search}`;
    for (const f of [
      u.href,
      u.href.replace(/\/$/, ''),
      pathAndQuery,
      u.pathname,
      u.pathname.replace(/\/$/, ''),
      u.search.slice(1),
      u.password,
    ])
      forms.add(f);
    for (const f of [...forms]) forms.add(safeDecode(f));
  }
  return [...forms].filter((f) => f.length >= 6 && f !== '/');
}

/** Every form of every string credential of a connection, for text redaction. */
export function credentialSecrets(credentials: Record<string, unknown>): string[] {
  return Object.values(credentials).flatMap((v) => (typeof v === 'string' ? secretForms(v) : []));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Replaces every known secret inside a string. */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a whole URL is replaced before a part of it (its path) would cut it up.
  const known = [...secrets].filter((s) => typeof s === 'string' && s.length >= 6).sort((a, b) => b.length - a.length);
  for (const s of known) out = out.split(s).join(REDACTED);
  return out;
}

function walk(value: unknown, secrets: string[], depth: number): unknown {
  if (depth > 20) return '[deep]';
  if (typeof value === 'string') return secrets.length ? redactText(value, secrets) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : walk(v, secrets, depth + 1);
    return out;
  }
  return value;
}
