import type { Doc, Filter } from '@hub/core';
import { isPlainObject, isPrimitive } from './values.js';

/** A matcher's verdict: true, false, or undefined when the native check cannot judge (mingo decides). */
export type Verdict = boolean | undefined;
/** An exact matcher compiled from a filter. */
export type NativeMatcher = (doc: Doc) => Verdict;

const COMPARE = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * Compiles the filters the hub's repositories use (equality, $in, $nin, $ne, ranges, $exists, $and,
 * $or on primitive values) into a plain function. Building a mingo Query costs tens of microseconds
 * (it registers every operator each time), more than matching itself; anything outside this subset
 * compiles to null and mingo handles the whole query, and arrays met on a path answer undefined so
 * mingo judges that document. The contract suite runs the same cases through both paths.
 */
export function compileNative(filter: Filter): NativeMatcher | null {
  const parts: NativeMatcher[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) return null;
      const subs = (value as Filter[]).map((f) => (isPlainObject(f) ? compileNative(f) : null));
      if (subs.some((s) => s === null)) return null;
      parts.push(key === '$and' ? all(subs as NativeMatcher[]) : any(subs as NativeMatcher[]));
    } else if (key.startsWith('$')) {
      return null;
    } else {
      const field = compileField(key.split('.'), value);
      if (!field) return null;
      parts.push(field);
    }
  }
  return all(parts);
}

function compileField(path: string[], cond: unknown): NativeMatcher | null {
  if (isPrimitive(cond)) return at(path, (v) => v === cond);
  if (!isPlainObject(cond)) return null;
  const tests: Array<(v: unknown) => boolean> = [];
  for (const [op, arg] of Object.entries(cond)) {
    if ((op === '$eq' || op === '$ne') && isPrimitive(arg)) tests.push(op === '$eq' ? (v) => v === arg : (v) => v !== arg);
    else if ((op === '$in' || op === '$nin') && Array.isArray(arg) && arg.every(isPrimitive)) {
      const set = new Set<unknown>(arg);
      tests.push(op === '$in' ? (v) => set.has(v) : (v) => !set.has(v));
    } else if (COMPARE.has(op) && (typeof arg === 'number' || typeof arg === 'string') && !Number.isNaN(arg)) tests.push(range(op, arg));
    else if (op === '$exists' && typeof arg === 'boolean') tests.push((v) => (v !== undefined) === arg);
    else return null;
  }
  return at(path, (v) => tests.every((t) => t(v)));
}

// Mongo compares within a type only: a string bound never matches a number, nor a missing field.
function range(op: string, bound: number | string): (v: unknown) => boolean {
  return (v) => {
    if (typeof v !== typeof bound) return false;
    const x = v as number | string;
    return op === '$gt' ? x > bound : op === '$gte' ? x >= bound : op === '$lt' ? x < bound : x <= bound;
  };
}

function at(path: string[], test: (v: unknown) => boolean): NativeMatcher {
  return (doc) => {
    let value: unknown = doc;
    for (const part of path) {
      if (Array.isArray(value)) return undefined;
      if (value === null || typeof value !== 'object') {
        value = undefined;
        break;
      }
      value = (value as Record<string, unknown>)[part];
    }
    // Null equals "missing" in Mongo equality, and arrays match element-wise: both are mingo's to judge.
    if (Array.isArray(value) || value === null) return undefined;
    return test(value);
  };
}

function all(parts: NativeMatcher[]): NativeMatcher {
  return (doc) => {
    let unknown = false;
    for (const p of parts) {
      const v = p(doc);
      if (v === false) return false;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  };
}

function any(parts: NativeMatcher[]): NativeMatcher {
  return (doc) => {
    let unknown = false;
    for (const p of parts) {
      const v = p(doc);
      if (v === true) return true;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  };
}
