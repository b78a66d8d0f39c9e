import { createRequire } from 'node:module';
import type { Doc } from '@hub/core';
import { AFTER, compareKeys, componentEnd, encodeKey, encodeValue } from './key-codec.js';
import { isIndexable, planRange, planScan, type ScanPlan } from './ordered-scan.js';
import { pathValue } from './values.js';

/** An index key: the indexed values (a missing field as null), then the doc's insertion number, encoded as one string (key-codec.ts). */
export type OrderedKey = string;

// sorted-btree is CommonJS with its class on `exports.default`; ESM interop differs between Node and
// the test bundler, require() is the same in both.
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof import('sorted-btree');

/**
 * A compound index kept in key order (a B+ tree), so a sorted lookup with equality on a prefix of the
 * keys and the rest as its sort (a queue claim: status, then lane, then runAt) reads the first
 * entries of one range instead of filtering and sorting every doc: O(log n) per match. Values order
 * as in MongoDB and mingo (null and missing, numbers, strings, booleans); ties keep insertion order,
 * as a scan would. Once a doc holds an object or array in an indexed field the index stops
 * answering (MongoDB would index array elements), like the equality buckets.
 */
export class OrderedIndex {
  readonly fields: string[];
  private readonly dirs: number[];
  private readonly tree;
  private unusable = false;

  constructor(
    keys: Record<string, 1 | -1>,
    private readonly orderOf: (id: string) => number,
  ) {
    this.fields = Object.keys(keys);
    this.dirs = [...Object.values(keys), 1];
    this.tree = new BTree<OrderedKey, string>(undefined, compareKeys);
  }

  /** Indexes existing docs. */
  build(docs: Iterable<Doc>): void {
    for (const doc of docs) this.add(doc);
  }

  /** Moves a write's docs: `before` are the old images (of updated and deleted docs), `puts` the new. */
  apply(before: Doc[], puts: Doc[]): void {
    // Most updates (a checkpoint, a heartbeat) leave the indexed fields alone: those keys stay put.
    const old = new Map<string, OrderedKey | null | undefined>();
    for (const doc of before) old.set(doc._id, this.keyOf(doc));
    const moved: Array<[Doc, OrderedKey | null | undefined]> = [];
    for (const doc of puts) {
      const prev = old.get(doc._id);
      const next = this.keyOf(doc);
      if (prev !== undefined && prev === next) old.delete(doc._id);
      else moved.push([doc, next]);
    }
    for (const key of old.values()) if (typeof key === 'string') this.tree.delete(key);
    for (const [doc, key] of moved) this.put(doc._id, key);
  }

  /**
   * The ids that may match `filter`, in `sort` order, or undefined when this index cannot serve the
   * lookup. The caller still tests each doc against the whole filter.
   */
  lookup(filter: Record<string, unknown>, sort: Record<string, 1 | -1>): Iterable<string> | undefined {
    if (this.unusable) return undefined;
    const plans = planScan(filter, sort, this.fields, this.dirs);
    // Docs without the first field are not in the index, so only a range within that field can answer.
    if (plans === undefined || plans.some((p) => p.prefix.length === 0 && p.upper[0]?.pos !== 0)) return undefined;
    return plans.length === 1 ? idsOf(this.scan(plans[0])) : this.merge(plans);
  }

  /**
   * The ids that may match `filter`, in index order, read from one range, with how many of the
   * filter's conditions the range bounds; undefined when the index cannot narrow the lookup.
   */
  range(filter: Record<string, unknown>): { ids: Iterable<string>; covered: number } | undefined {
    if (this.unusable) return undefined;
    const { plan, covered } = planRange(filter, this.fields, this.dirs);
    return covered === 0 ? undefined : { ids: idsOf(this.scan(plan)), covered };
  }

  // One range: the keys equal to the plan's prefix. A key past an upper bound on a later field
  // ends that field's run for the current values before it, so the scan seeks past them.
  private *scan(plan: ScanPlan): Generator<[OrderedKey, string]> {
    const prefix = encodeKey(plan.prefix, this.dirs);
    const bounds = plan.upper.map((u) => ({ ...u, encoded: encodeValue(u.bound, this.dirs[u.pos] === -1) }));
    let from: OrderedKey = prefix;
    for (;;) {
      let seek: OrderedKey | undefined;
      for (const entry of this.tree.entries(from)) {
        const key = entry[0];
        if (!key.startsWith(prefix)) return;
        const past = bounds.find((u) => {
          const c = compareKeys(this.component(key, u.pos), u.encoded);
          return c > 0 || (c === 0 && u.strict);
        });
        if (past !== undefined) {
          if (past.pos === plan.prefix.length) return;
          seek = key.slice(0, this.offsetOf(key, past.pos)) + AFTER;
          break;
        }
        yield entry;
      }
      if (seek === undefined) return;
      from = seek;
    }
  }

  // Several ranges (an $or, all with prefixes of one length): merged on the sort fields and
  // insertion order, each id once.
  private *merge(plans: ScanPlan[]): Generator<string> {
    const start = plans[0].prefix.length;
    const heads = plans.map((p) => ({ it: this.scan(p), entry: undefined as [OrderedKey, string] | undefined, rest: '' }));
    const advance = (h: (typeof heads)[number]) => {
      const next = h.it.next();
      h.entry = next.done ? undefined : next.value;
      h.rest = h.entry === undefined ? '' : h.entry[0].slice(this.offsetOf(h.entry[0], start));
    };
    heads.forEach(advance);
    const seen = new Set<string>();
    for (;;) {
      let best: (typeof heads)[number] | undefined;
      for (const h of heads) if (h.entry !== undefined && (best === undefined || h.rest < best.rest)) best = h;
      if (best === undefined) return;
      const id = best.entry![1];
      if (!seen.has(id)) yield id;
      seen.add(id);
      advance(best);
    }
  }

  // Where the component of field `pos` starts in a key.
  private offsetOf(key: OrderedKey, pos: number): number {
    let at = 0;
    for (let i = 0; i < pos; i++) at = componentEnd(key, at, this.dirs[i] === -1);
    return at;
  }

  private component(key: OrderedKey, pos: number): string {
    const at = this.offsetOf(key, pos);
    return key.slice(at, componentEnd(key, at, this.dirs[pos] === -1));
  }

  // Sparse: a doc without the first field (or null there) is left out, so an index on a field few
  // docs have (an import id) costs nothing for the others; lookups that would need them refuse.
  private add(doc: Doc): void {
    this.put(doc._id, this.keyOf(doc));
  }

  private put(id: string, key: OrderedKey | null | undefined): void {
    if (key === undefined) this.unusable = true;
    else if (key !== null) this.tree.set(key, id);
  }

  // undefined: a value the index cannot hold; null: the first field is missing (not indexed).
  private keyOf(doc: Doc): OrderedKey | null | undefined {
    const values: unknown[] = [];
    for (const f of this.fields) {
      const v = pathValue(doc, f) ?? null;
      if (!isIndexable(v)) return undefined;
      values.push(v);
    }
    if (values[0] === null) return null;
    return encodeKey(values, this.dirs, this.orderOf(doc._id));
  }
}

function* idsOf(entries: Iterable<[OrderedKey, string]>): Generator<string> {
  for (const [, id] of entries) yield id;
}
