import type { Doc, Filter } from '@hub/core';
import { isPrimitive, type Primitive } from './values.js';

const EMPTY: ReadonlySet<string> = new Set();

// A bucket of one id is the id itself: most values of a field with many distinct values (a time, a
// key) are held by one doc, and a Set per doc would cost more than the doc's other index entries.
type Bucket = string | Set<string>;

/**
 * Equality buckets on one top-level field: value → ids. Every index a repository creates gets one
 * on its first key, so lookups by tenant, call id, status or key hash stop scanning the whole
 * collection as it grows. Docs with the field missing or null are not bucketed (filters on null
 * are not answered here), and once any doc holds an array there the index stops answering,
 * because MongoDB would match its elements.
 */
export class FieldIndex {
  // Keyed by the value itself: a Map keeps "1", 1 and true apart, as MongoDB's equality does.
  private readonly buckets = new Map<Primitive, Bucket>();
  private sawArray = false;

  constructor(readonly field: string) {}

  /** Indexes existing docs. */
  build(docs: Iterable<Doc>): void {
    for (const doc of docs) this.add(doc);
  }

  /** Moves a write's docs: `before` are the old images (of updated and deleted docs), `puts` the new. */
  apply(before: Doc[], puts: Doc[]): void {
    for (const doc of before) this.remove(doc);
    for (const doc of puts) this.add(doc);
  }

  /** The ids that can match a condition on this field, or undefined when this index cannot tell. */
  idsFor(cond: unknown): ReadonlySet<string> | undefined {
    if (this.sawArray) return undefined;
    if (isPrimitive(cond)) return this.idsOf(cond);
    if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) return undefined;
    const ops = Object.keys(cond);
    const list = (cond as { $in?: unknown; $eq?: unknown }).$in;
    const eq = (cond as { $eq?: unknown }).$eq;
    if (ops.length === 1 && ops[0] === '$eq' && isPrimitive(eq)) return this.idsOf(eq);
    if (ops.length !== 1 || !Array.isArray(list) || !list.every(isPrimitive)) return undefined;
    const out = new Set<string>();
    for (const v of list) for (const id of this.idsOf(v)) out.add(id);
    return out;
  }

  private idsOf(value: Primitive): ReadonlySet<string> {
    const bucket = this.buckets.get(value);
    return bucket === undefined ? EMPTY : typeof bucket === 'string' ? new Set([bucket]) : bucket;
  }

  private add(doc: Doc): void {
    const v = doc[this.field];
    if (Array.isArray(v)) this.sawArray = true;
    if (!isPrimitive(v)) return;
    const bucket = this.buckets.get(v);
    if (bucket === undefined) this.buckets.set(v, doc._id);
    else if (typeof bucket === 'string') {
      if (bucket !== doc._id) this.buckets.set(v, new Set([bucket, doc._id]));
    } else bucket.add(doc._id);
  }

  private remove(doc: Doc): void {
    const v = doc[this.field];
    if (!isPrimitive(v)) return;
    const bucket = this.buckets.get(v);
    if (bucket === doc._id) this.buckets.delete(v);
    else if (typeof bucket === 'object') {
      bucket.delete(doc._id);
      if (bucket.size === 1) this.buckets.set(v, bucket.values().next().value as string);
    }
  }
}

/**
 * The smallest id set the indexes can prove holds every match of a filter (conditions of a plain
 * object are ANDed, so any one of them bounds the result; an $or is bounded only when each branch
 * is), or undefined when no index applies.
 */
export function indexedIds(filter: Filter, indexes: ReadonlyMap<string, FieldIndex>): ReadonlySet<string> | undefined {
  let best: ReadonlySet<string> | undefined;
  const consider = (ids: ReadonlySet<string> | undefined) => {
    if (ids !== undefined && (best === undefined || ids.size < best.size)) best = ids;
  };
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) for (const part of cond as Filter[]) consider(indexedIds(part, indexes));
    else if (key === '$or' && Array.isArray(cond) && cond.length > 0) {
      const parts = (cond as Filter[]).map((part) => indexedIds(part, indexes));
      if (parts.every((p) => p !== undefined)) {
        const union = new Set<string>();
        for (const p of parts as ReadonlySet<string>[]) for (const id of p) union.add(id);
        consider(union);
      }
    } else if (!key.startsWith('$')) consider(indexes.get(key)?.idsFor(cond));
  }
  return best;
}
