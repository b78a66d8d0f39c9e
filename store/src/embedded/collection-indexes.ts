import type { Doc, Filter } from '@hub/core';
import { FieldIndex, indexedIds } from './field-index.js';
import { OrderedIndex } from './ordered-index.js';
import { prefilter } from './prefilter.js';
import { UniqueIndex, type IndexSpec } from './unique-index.js';
import type { DocTable } from './doc-table.js';

/**
 * The in-memory indexes of one embedded collection: unique keys (enforced), equality buckets on each
 * index's first field (for lookups), compound non-unique indexes kept in key order (for sorted
 * lookups such as a queue claim), and the insertion order of ids, so that an index lookup returns
 * docs in the same order a scan would.
 */
export class CollectionIndexes {
  private readonly unique: UniqueIndex[] = [];
  private readonly fields = new Map<string, FieldIndex>();
  private readonly ordered: OrderedIndex[] = [];
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  private numbered = false;

  constructor(
    private readonly collection: string,
    private readonly docs: DocTable,
    /** Keep single-field indexes in key order too (ranges without reading docs), for cold docs; else equality buckets, which cost less. */
    private readonly singleFieldRanges = false,
  ) {}

  /**
   * Adds the structures an index definition needs, built over the current docs: a unique index is
   * enforced and gets equality buckets on its first field, as does a single-field one (unless ranges
   * are asked for); any other is kept in key order (sorted lookups, ranges, equality on its first fields).
   */
  add(spec: IndexSpec): void {
    const names = Object.keys(spec.keys);
    if (spec.unique || (names.length === 1 && !this.singleFieldRanges && !names[0].includes('.'))) {
      if (spec.unique) {
        const index = new UniqueIndex(spec, this.collection);
        index.build(this.docs.values());
        this.unique.push(index);
      }
      const first = names[0];
      // With cold docs, memory is the indexes: a unique index's own ranges answer equality on its first field.
      if (!(spec.unique && this.singleFieldRanges) && !first.includes('.') && !this.fields.has(first)) {
        const buckets = new FieldIndex(first);
        buckets.build(this.docs.values());
        this.fields.set(first, buckets);
      }
      return;
    }
    this.numberAll();
    const index = new OrderedIndex(spec.keys, (id) => this.orderOf(id));
    index.build(this.docs.values());
    this.ordered.push(index);
  }

  /** Throws the duplicate key error if the write would break a unique index; changes nothing. */
  check(puts: Doc[], dels: string[]): void {
    for (const index of this.unique) index.check(puts, dels);
  }

  /** Moves a checked write into the indexes (`before` are the old images of changed or deleted docs). */
  apply(before: Doc[], puts: Doc[], dels: string[]): void {
    for (const index of this.unique) index.apply(before, puts);
    for (const index of this.fields.values()) index.apply(before, puts);
    // New ids are numbered before the ordered indexes key them; deleted ids lose their number after.
    if (this.numbered) for (const doc of puts) if (!this.seq.has(doc._id)) this.seq.set(doc._id, this.nextSeq++);
    for (const index of this.ordered) index.apply(before, puts);
    for (const id of dels) this.seq.delete(id);
  }

  /** The docs that may match, in `sort` order, from an ordered index; undefined when none serves the lookup. */
  sorted(filter: Filter, sort: Record<string, 1 | -1>): Iterable<Doc> | undefined {
    if (typeof filter._id === 'string') return undefined;
    for (const index of this.ordered) {
      const ids = index.lookup(filter, sort);
      if (ids !== undefined) return docsOf(ids, this.docs);
    }
    return undefined;
  }

  /** The docs that may match: one by _id or a unique key, else an index's bucket, else a prefiltered scan; in insertion order. */
  candidates(filter: Filter): Doc[] {
    if (typeof filter._id === 'string') {
      const doc = this.docs.get(filter._id);
      return doc === undefined ? [] : [doc];
    }
    for (const index of this.unique) {
      const owner = index.lookup(filter);
      if (owner === null) return [];
      if (owner !== undefined) return [this.docs.get(owner)!];
    }
    const mayMatch = prefilter(filter);
    const ids = this.narrowest(filter);
    let docs: Doc[];
    if (ids !== undefined) {
      docs = [...ids].map((id) => this.docs.get(id)).filter((d): d is Doc => d !== undefined);
      if (docs.length > 1) docs.sort((a, b) => this.orderOf(a._id) - this.orderOf(b._id));
    } else docs = [...this.docs.values()];
    return mayMatch === null ? docs : docs.filter(mayMatch);
  }

  // An equality bucket holds exactly the docs with one value; a range of an ordered index wins when
  // it bounds more of the filter (two fields or more) or when no bucket applies.
  private narrowest(filter: Filter): Iterable<string> | undefined {
    const ids = this.fields.size > 0 ? indexedIds(filter, this.fields) : undefined;
    let best: { ids: Iterable<string>; covered: number } | undefined;
    for (const index of [...this.unique, ...this.ordered]) {
      const range = index.range(filter);
      if (range !== undefined && (best === undefined || range.covered > best.covered)) best = range;
    }
    if (best !== undefined && (ids === undefined || best.covered >= 2)) return best.ids;
    return ids !== undefined && ids.size < this.docs.size ? ids : undefined;
  }

  // Docs loaded at open are numbered in Map (insertion) order the first time an order is needed;
  // from then on apply() numbers each new id as it is written.
  private orderOf(id: string): number {
    this.numberAll();
    return this.seq.get(id) ?? Number.MAX_SAFE_INTEGER;
  }

  private numberAll(): void {
    if (this.numbered) return;
    for (const key of this.docs.keys()) if (!this.seq.has(key)) this.seq.set(key, this.nextSeq++);
    this.numbered = true;
  }
}

function* docsOf(ids: Iterable<string>, docs: DocTable): Generator<Doc> {
  for (const id of ids) yield docs.get(id)!;
}
