/** Small display helpers shared by the pages. */

/** A timestamp as the reader's local date and time, or "never". */
export function when(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A success rate in whole percent, or "–" with nothing to rate. */
export function rate(succeeded: number, total: number): string {
  return total > 0 ? `${Math.round((succeeded / total) * 100)}%` : '–';
}

/** JSON for people: indented, with long strings left whole. */
export function pretty(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v, null, 2);
}

/** The error a person can act on, from a hub error object or string. */
export function errorText(e: unknown): string {
  if (!e) return '';
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const o = e as { message?: unknown; code?: unknown };
    return `${String(o.message)}${o.code ? ` (${String(o.code)})` : ''}`;
  }
  return JSON.stringify(e);
}
