/**
 * The original spec's simple mapping form `{ ourField: theirField }`: each call field is copied to
 * the CRM field of that name on the contact, on top of the connector's default contact mapping.
 */
export type SimpleMappings = Record<string, string>;

/** Applies simple mappings to an already-mapped CRM object; dotted CRM names make nested objects. */
export function applySimpleMappings(
  target: Record<string, unknown>,
  call: Record<string, unknown>,
  mappings: SimpleMappings,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [ours, theirs] of Object.entries(mappings)) {
    const value = readPath(call, ours);
    if (value === undefined || value === null) continue;
    writePath(out, theirs, value);
  }
  return out;
}

function readPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    cur[part] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
