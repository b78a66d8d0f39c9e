import { DuplicateKeyError } from '@hub/core';
import type { Doc } from '@hub/core';

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
 * A unique index: a map from the key (the indexed values, a missing field counting as null as in
 * MongoDB) to the `_id` holding it. Arrays are keyed as whole values, not per element.
 */
export class UniqueIndex {
  private readonly owners = new Map<string, string>();
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
    const values: unknown[] = [];
    for (const f of this.fields) {
      const v = filter[f];
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      values.push(v);
    }
    return this.owners.get(JSON.stringify(values)) ?? null;
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
    const values = this.fields.map((f) => valueAt(doc, f) ?? null);
    if (values.some(Array.isArray)) this.sawArray = true;
    return JSON.stringify(values);
  }

  private duplicate(doc: Doc): DuplicateKeyError {
    const keyValue = Object.fromEntries(this.fields.map((f) => [f, valueAt(doc, f) ?? null]));
    return new DuplicateKeyError(this.collection, this.spec.name, this.spec.keys, keyValue);
  }
}

function valueAt(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
