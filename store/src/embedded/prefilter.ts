import type { Doc, Filter } from '@hub/core';
import { isPrimitive, type Primitive } from './values.js';

/**
 * A cheap necessary condition for a filter, checked before mingo: mingo's general matcher costs a few
 * microseconds a doc, which made a queue claim over 20k jobs take ~20 ms. Only plain equality and
 * `$in` on primitives are used; anything the native check cannot judge (arrays on the path,
 * missing paths through arrays) passes through to mingo, which stays the judge of every match.
 */
export function prefilter(filter: Filter): ((doc: Doc) => boolean) | null {
  const checks: Array<[path: string[], allowed: Set<Primitive>]> = [];
  const anyOf: Array<Array<(doc: Doc) => boolean>> = [];
  collect(filter, checks, anyOf);
  if (checks.length === 0 && anyOf.length === 0) return null;
  return (doc) =>
    checks.every(([path, allowed]) => mayMatch(doc, path, allowed)) && anyOf.every((branches) => branches.some((b) => b(doc)));
}

function collect(filter: Filter, checks: Array<[string[], Set<Primitive>]>, anyOf: Array<Array<(doc: Doc) => boolean>>): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value as Filter[]) collect(part, checks, anyOf);
    } else if (key === '$or' && Array.isArray(value)) {
      // An $or narrows only when every branch does (a queue claim: status queued OR status running).
      const branches = (value as Filter[]).map((part) => prefilter(part));
      if (branches.length > 0 && branches.every((b) => b !== null)) anyOf.push(branches as Array<(doc: Doc) => boolean>);
    } else if (key.startsWith('$')) {
      continue;
    } else if (isPrimitive(value)) {
      checks.push([key.split('.'), new Set([value])]);
    } else if (isInOnly(value)) {
      checks.push([key.split('.'), new Set(value.$in)]);
    }
  }
}

function mayMatch(doc: Doc, path: string[], allowed: Set<Primitive>): boolean {
  let value: unknown = doc;
  for (const part of path) {
    if (Array.isArray(value)) return true;
    if (typeof value !== 'object' || value === null) return false;
    value = (value as Record<string, unknown>)[part];
  }
  if (Array.isArray(value)) return true;
  return isPrimitive(value) && allowed.has(value);
}

function isInOnly(value: unknown): value is { $in: Primitive[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const list = (value as { $in?: unknown }).$in;
  return keys.length === 1 && Array.isArray(list) && list.every(isPrimitive);
}
