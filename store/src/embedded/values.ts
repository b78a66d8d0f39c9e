import type { Doc } from '@hub/core';

/** A value equality on a field can be answered for from an index: a string, a boolean or a number (not NaN). */
export type Primitive = string | number | boolean;

export function isPrimitive(value: unknown): value is Primitive {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value at a dotted path (undefined when missing). An array on the way is answered as is, which
 * no index holds as a key (MongoDB would index its elements), so indexes stop answering rather than
 * answer wrongly.
 */
export function pathValue(doc: Doc, path: string): unknown {
  if (!path.includes('.')) return doc[path];
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) return value;
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
