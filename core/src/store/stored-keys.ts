// MongoDB refuses field names that start with `$` in stored documents (and FerretDB refuses them
// anywhere), and reads a `.` in a field name as a path. What a CRM answers is stored as it came, so
// such keys are swapped for their full-width look-alikes on the way in and back on the way out.
const DOLLAR = '$';
const DOLLAR_STORED = '\uFF04';
const DOT = '.';
const DOT_STORED = '\uFF0E';

function mapKeys(value: unknown, key: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, key));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [key(k), mapKeys(v, key)]));
}

/** The storable form of data from outside (a CRM's answer): `$`-prefixed and dotted keys encoded. */
export function encodeKeys<T>(value: T): T {
  return mapKeys(value, (k) => (k.startsWith(DOLLAR) ? DOLLAR_STORED + k.slice(1) : k).split(DOT).join(DOT_STORED)) as T;
}

/** The original form of data stored with {@link encodeKeys}. */
export function decodeKeys<T>(value: T): T {
  return mapKeys(value, (k) => (k.startsWith(DOLLAR_STORED) ? DOLLAR + k.slice(1) : k).split(DOT_STORED).join(DOT)) as T;
}
