import type { Doc } from '@hub/core';

/** Mongo order for number and string keys: numbers before strings, then natural order; ties keep insertion order. */
function compareBy(a: Doc, b: Doc, keys: Array<[string, 1 | -1]>): number {
  for (const [k, dir] of keys) {
    const x = a[k] as number | string;
    const y = b[k] as number | string;
    if (x === y) continue;
    const c = typeof x !== typeof y ? (typeof x === 'number' ? -1 : 1) : x < y ? -1 : 1;
    return c * dir;
  }
  return 0;
}

/**
 * Sorts by top-level number or string keys without mingo (stable, like mingo), or just picks the
 * first when only one is wanted (a queue claim asks for the earliest of thousands of due jobs).
 * Undefined when a key is nested, missing or of another type: mingo sorts those.
 */
export function sortNative(docs: Doc[], sort: Record<string, 1 | -1>, firstOnly: boolean): Doc[] | undefined {
  const keys = Object.entries(sort);
  if (keys.some(([k]) => k.includes('.'))) return undefined;
  for (const doc of docs) {
    for (const [k] of keys) {
      const t = typeof doc[k];
      if (t !== 'number' && t !== 'string') return undefined;
    }
  }
  if (!firstOnly) return [...docs].sort((a, b) => compareBy(a, b, keys));
  let best: Doc | undefined;
  for (const doc of docs) if (best === undefined || compareBy(doc, best, keys) < 0) best = doc;
  return best === undefined ? [] : [best];
}
