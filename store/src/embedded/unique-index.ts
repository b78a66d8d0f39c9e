import { createRequire } from 'node:module';
import { DuplicateKeyError, type Doc } from '@hub/core';
import { compareKeys, encodeKey, encodeValue } from './key-codec.js';
import { isIndexable } from './ordered-scan.js';
import { isPrimitive, pathValue } from './values.js';

// sorted-btree is CommonJS with its class on `exports.default` (see ordered-index.ts).
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof import('sorted-btree');

/** An index definition as createIndex received it; only unique ones are enforced. */
export interface IndexSpec {
  name: string;
  keys: Record<string, 1 | -1>;
  unique: boolean;
}

/** The driver's default index name: `field_1_other_-1`. */
export function defaultIndexName(keys: Record<string, 1 | -1>): string {
  return Object.entries(keys)
    .map(([k, dir]) => `${k}_${dir}`)
    .join('_');
}

/**
 * A unique index: the key (the indexed values, a missing field counting as null as in MongoDB) to
 * the `_id` holding it, in key order (a B+ tree of encoded keys, key-codec.ts), so a lookup by the
 * first fields alone reads one range. Arrays and objects are keyed as whole values, not per element.
 */
export class UniqueIndex {
  private readonly owners = new BTree<string, string>(undefined, compareKeys);
  private readonly fields: string[];
  private sawArray = false;

  constructor(
    readonly spec: IndexSpec,
    private readonly collection: string,
  ) {
    this.fields = Object.keys(spec.keys);
  }

  /** Indexes existing docs; throws the duplicate key error if they already violate the index. */
  build(docs: Iterable<Doc>): void {
    for (const doc of docs) {
      const key = this.keyOf(doc);
      if (this.owners.has(key)) throw this.duplicate(doc);
      this.owners.set(key, doc._id);
    }
  }

  /**
   * Throws if writing `puts` and deleting `dels` would break uniqueness. Docs whose id is rewritten or
   * deleted in the same batch free their old key, so swaps within one write are judged on the result.
   */
  check(puts: Doc[], dels: string[]): void {
    const changing = new Set<string>([...puts.map((d) => d._id), ...dels]);
    const taken = new Map<string, string>();
    for (const doc of puts) {
      const key = this.keyOf(doc);
      const inBatch = taken.get(key);
      const owner = this.owners.get(key);
      if ((inBatch !== undefined && inBatch !== doc._id) || (owner !== undefined && owner !== doc._id && !changing.has(owner))) {
        throw this.duplicate(doc);
      }
      taken.set(key, doc._id);
    }
  }

  /**
   * The id holding the key a filter names by plain equality on every indexed field (null when no doc
   * does), or undefined when the filter does not name a whole key. Array values are keyed whole, so
   * an index that has seen one never answers (Mongo would match elements).
   */
  lookup(filter: Record<string, unknown>): string | null | undefined {
    if (this.sawArray) return undefined;
    const { values } = this.equalityPrefix(filter);
    if (values.length < this.fields.length) return undefined;
    return this.owners.get(keyOfValues(values)) ?? null;
  }

  /**
   * The ids whose keys start with the values a filter names by plain equality on the first fields
   * (the last of them may be an $in list: one range per value), with how many fields that is;
   * undefined when it names none (or arrays were seen). In key order within each range.
   */
  range(filter: Record<string, unknown>): { ids: Iterable<string>; covered: number } | undefined {
    if (this.sawArray) return undefined;
    const { values, next } = this.equalityPrefix(filter);
    const list = (next as { $in?: unknown } | undefined)?.$in;
    const choices = Array.isArray(list) && list.every(isPrimitive) ? list : undefined;
    if (choices !== undefined) {
      const prefixes = choices.map((c) => keyOfValues([...values, c]));
      return { ids: this.idsFromAll(prefixes), covered: values.length + 1 };
    }
    if (values.length === 0) return undefined;
    return { ids: this.idsFrom(keyOfValues(values)), covered: values.length };
  }

  // The values the filter names by plain equality on the first fields, and its condition on the next one.
  private equalityPrefix(filter: Record<string, unknown>): { values: unknown[]; next: unknown } {
    const values: unknown[] = [];
    for (const f of this.fields) {
      const v = filter[f];
      if (!isPrimitive(v)) return { values, next: v };
      values.push(v);
    }
    return { values, next: undefined };
  }

  private *idsFromAll(prefixes: string[]): Generator<string> {
    for (const prefix of new Set(prefixes)) yield* this.idsFrom(prefix);
  }

  private *idsFrom(prefix: string): Generator<string> {
    for (const [key, id] of this.owners.entries(prefix)) {
      if (!key.startsWith(prefix)) return;
      yield id;
    }
  }

  /** Moves the keys of a checked batch: `before` are the old images of changed docs. */
  apply(before: Doc[], puts: Doc[]): void {
    for (const doc of before) {
      const key = this.keyOf(doc);
      if (this.owners.get(key) === doc._id) this.owners.delete(key);
    }
    for (const doc of puts) this.owners.set(this.keyOf(doc), doc._id);
  }

  private keyOf(doc: Doc): string {
    const values = this.fields.map((f) => pathValue(doc, f) ?? null);
    if (values.some(Array.isArray)) this.sawArray = true;
    return keyOfValues(values);
  }

  private duplicate(doc: Doc): DuplicateKeyError {
    const keyValue = Object.fromEntries(this.fields.map((f) => [f, pathValue(doc, f) ?? null]));
    return new DuplicateKeyError(this.collection, this.spec.name, this.spec.keys, keyValue);
  }
}

// Unique keys are only looked up and ranged by prefix: every field ascending.
const ASCENDING: readonly number[] = [];

// Indexable values as the ordered indexes encode them; an array or object as its JSON after a rank
// of its own (uniqueness needs only equality for those, and lookups refuse once one is seen).
function keyOfValues(values: unknown[]): string {
  if (values.every(isIndexable)) return encodeKey(values, ASCENDING);
  return values.map((v) => (isIndexable(v) ? encodeValue(v, false) : `\u0005${JSON.stringify(v)}\u0000`)).join('');
}
