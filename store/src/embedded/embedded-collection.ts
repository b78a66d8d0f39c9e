import { randomUUID } from 'node:crypto';
import { Aggregator, Query } from 'mingo';
// Registers the aggregation stages and expression operators ($group, $sum, $cond…) with mingo.
import 'mingo/init/system';
import { DuplicateKeyError } from '@hub/core';
import type { Doc, DocCollection, DocCursor, Filter, FindOneAndUpdateOptions, FindOptions, Update } from '@hub/core';
import { compileNative } from './native-match.js';
import { sortNative } from './native-sort.js';
import { defaultIndexName, type IndexSpec } from './unique-index.js';
import { CollectionIndexes } from './collection-indexes.js';
import { DocTable, type ColdFile, type ColdRef } from './doc-table.js';
import type { JournalRecord } from './journal-files.js';
import { applyUpdate, checkUpdate, seedFromFilter } from './update-doc.js';

/** What a collection needs from its engine: an open check and the journal. */
export interface CollectionHost {
  assertOpen(): void;
  /** `puts` are the docs' JSON texts, as stored: the journal record is assembled from them, not encoded again. */
  commit(collection: string, puts: string[], dels: string[]): Promise<void>;
}

const ID_INDEX = '_id_';

/**
 * One embedded collection. Every method does its reading and in-memory writing synchronously
 * before its first await, so each call is atomic within the process (two concurrent
 * findOneAndUpdate claims can never take the same doc); only the journal sync is awaited.
 * Stored docs are never mutated, only replaced, which lets a snapshot capture them by reference.
 */
export class EmbeddedCollection<T extends Doc = Doc> implements DocCollection<T> {
  /** The docs by `_id`, in insertion order (MongoDB's natural order, near enough): in memory or cold in the snapshot. */
  readonly docs: DocTable;
  private readonly specs = new Map<string, IndexSpec>();
  private readonly indexes: CollectionIndexes;

  constructor(
    readonly name: string,
    private readonly host: CollectionHost,
    cold: ColdFile,
    coldDocs = false,
  ) {
    this.docs = new DocTable(cold);
    this.indexes = new CollectionIndexes(name, this.docs, coldDocs);
  }

  /** The index definitions, as a snapshot records them. */
  indexSpecs(): IndexSpec[] {
    return [...this.specs.values()];
  }

  /** Defines indexes a snapshot recorded, before its docs load, so they are built as the docs are read. */
  restoreIndexes(specs: IndexSpec[]): void {
    for (const spec of specs) if (!this.specs.has(spec.name)) this.define(spec);
  }

  /** Loads one snapshot doc: indexed now, held as its cold reference when it has one. */
  load(doc: Doc, ref: ColdRef | undefined): void {
    this.indexes.apply([], [doc], []);
    this.docs.set(doc._id, ref ?? doc);
  }

  /** Replays one journal record (already checked when it was written). */
  replay(record: JournalRecord): void {
    const dels = record.del ?? [];
    const puts = record.put ?? [];
    if (this.specs.size > 0) {
      const before = [...dels, ...puts.map((d) => d._id)].map((id) => this.docs.get(id)).filter((d): d is Doc => d !== undefined);
      this.indexes.apply(before, puts, dels);
    }
    for (const id of dels) this.docs.delete(id);
    for (const doc of puts) this.docs.set(doc._id, doc);
  }

  async insertOne(doc: T): Promise<{ acknowledged: true; insertedId: string }> {
    this.host.assertOpen();
    // Like the driver, fill in a missing _id on the caller's object so it knows the id.
    if ((doc as Partial<Doc>)._id === undefined) doc._id = randomUUID();
    const stored = toStored(doc);
    if (this.docs.has(stored.doc._id)) throw this.duplicateId(stored.doc._id);
    await this.write([stored], [], []);
    return { acknowledged: true, insertedId: stored.doc._id };
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    this.host.assertOpen();
    const [doc] = this.select(filter, { ...options, limit: 1 });
    return doc === undefined ? null : (structuredClone(doc) as T);
  }

  find(filter: Filter, options: FindOptions = {}): DocCursor<T> {
    // Evaluated at toArray(), as a driver cursor is.
    return {
      toArray: async () => {
        this.host.assertOpen();
        return this.select(filter, options).map((d) => structuredClone(d) as T);
      },
    };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}) {
    this.host.assertOpen();
    checkUpdate(update);
    const [target] = this.select(filter, { limit: 1 });
    if (target === undefined) {
      if (!options.upsert) return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };
      const inserted = await this.upsert(filter, update);
      return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: inserted._id };
    }
    const changed = await this.modify([target], update);
    return { acknowledged: true, matchedCount: 1, modifiedCount: changed.length, upsertedCount: 0, upsertedId: null };
  }

  async updateMany(filter: Filter, update: Update) {
    this.host.assertOpen();
    checkUpdate(update);
    const targets = this.select(filter, {});
    const changed = await this.modify(targets, update);
    return { acknowledged: true, matchedCount: targets.length, modifiedCount: changed.length };
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    this.host.assertOpen();
    checkUpdate(update);
    // 'before' is the driver's default too.
    const after = options.returnDocument === 'after';
    const [target] = this.select(filter, { sort: options.sort, limit: 1 });
    if (target === undefined) {
      if (!options.upsert) return null;
      const inserted = await this.upsert(filter, update);
      return after ? (structuredClone(inserted) as T) : null;
    }
    const [changed] = await this.modify([target], update);
    return structuredClone(after ? (changed ?? target) : target) as T;
  }

  async deleteOne(filter: Filter): Promise<{ acknowledged: true; deletedCount: number }> {
    this.host.assertOpen();
    return this.remove(this.select(filter, { limit: 1 }));
  }

  async deleteMany(filter: Filter): Promise<{ acknowledged: true; deletedCount: number }> {
    this.host.assertOpen();
    return this.remove(this.select(filter, {}));
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    this.host.assertOpen();
    return this.select(filter, {}).length;
  }

  aggregate<R extends object = Doc>(pipeline: object[]): DocCursor<R> {
    return {
      toArray: async () => {
        this.host.assertOpen();
        // A leading $match is answered from the indexes, as MongoDB would; the rest runs in mingo.
        const [first, ...rest] = pipeline as Record<string, unknown>[];
        const leadingMatch = first !== undefined && Object.keys(first).length === 1 && first.$match !== undefined;
        const input = leadingMatch ? this.select(first.$match as Filter, {}) : [...this.docs.values()];
        const stages = (leadingMatch ? rest : pipeline) as Record<string, unknown>[];
        return structuredClone(new Aggregator(stages).run(input)) as R[];
      },
    };
  }

  async createIndex(keys: Record<string, 1 | -1>, options: { unique?: boolean; name?: string } = {}): Promise<string> {
    this.host.assertOpen();
    const name = options.name ?? defaultIndexName(keys);
    if (Object.keys(keys).length === 1 && keys._id !== undefined) return ID_INDEX;
    const spec: IndexSpec = { name, keys: { ...keys }, unique: options.unique === true };
    const existing = this.specs.get(name) ?? [...this.specs.values()].find((s) => sameKeys(s.keys, keys));
    if (existing !== undefined) {
      // Repositories call createIndex at every start: the same definition again is a no-op.
      if (existing.name === name && sameKeys(existing.keys, keys) && existing.unique === spec.unique) return name;
      throw Object.assign(new Error(`collection ${this.name}: index ${existing.name} already exists with a different definition`), {
        code: 85,
      });
    }
    this.define(spec);
    return name;
  }

  private define(spec: IndexSpec): void {
    this.indexes.add(spec);
    this.specs.set(spec.name, spec);
  }

  /** Matching stored docs (not copies), sorted, skipped, limited and projected as asked. */
  private select(filter: Filter, options: FindOptions): Doc[] {
    const native = options.projection === undefined ? compileNative(filter) : null;
    const sorted = options.sort !== undefined && options.projection === undefined ? this.indexes.sorted(filter, options.sort) : undefined;
    if (sorted !== undefined) return takeMatches(sorted, filter, native, options);
    if (native) {
      let query: Query | undefined;
      const matches = this.indexes.candidates(filter).filter((doc) => native(doc) ?? (query ??= new Query(filter)).test(doc));
      const ordered = options.sort === undefined ? matches : sortNative(matches, options.sort, options.limit === 1 && !options.skip);
      if (ordered) {
        const from = options.skip ?? 0;
        return options.limit !== undefined && options.limit > 0 ? ordered.slice(from, from + options.limit) : ordered.slice(from);
      }
    }
    let cursor = new Query(filter).find<Doc>(this.indexes.candidates(filter), options.projection);
    if (options.sort !== undefined) cursor = cursor.sort(options.sort);
    if (options.skip !== undefined) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined && options.limit > 0) cursor = cursor.limit(options.limit);
    return cursor.all();
  }

  /** Applies `update` to `targets` as one journal record; returns the new images of the docs that changed. */
  private async modify(targets: Doc[], update: Update): Promise<Doc[]> {
    const before: Doc[] = [];
    const after: Stored[] = [];
    for (const target of targets) {
      const result = applyUpdate(target, update, false);
      if (!result.changed) continue;
      before.push(target);
      after.push(toStored(result.doc));
    }
    if (after.length > 0) await this.write(after, [], before);
    return after.map((s) => s.doc);
  }

  private async upsert(filter: Filter, update: Update): Promise<Doc> {
    const { doc } = applyUpdate(seedFromFilter(filter) as Doc, update, true);
    doc._id ??= randomUUID();
    const stored = toStored(doc);
    if (this.docs.has(stored.doc._id)) throw this.duplicateId(stored.doc._id);
    await this.write([stored], [], []);
    return stored.doc;
  }

  private async remove(targets: Doc[]): Promise<{ acknowledged: true; deletedCount: number }> {
    if (targets.length > 0)
      await this.write(
        [],
        targets.map((d) => d._id),
        targets,
      );
    return { acknowledged: true, deletedCount: targets.length };
  }

  /**
   * Checks every unique index first, so a violation leaves nothing written; then updates memory and
   * the indexes and hands the record to the journal. `before` are the old images of changed docs.
   */
  private write(puts: Stored[], dels: string[], before: Doc[]): Promise<void> {
    const docs = puts.map((s) => s.doc);
    this.indexes.check(docs, dels);
    this.indexes.apply(before, docs, dels);
    for (const id of dels) this.docs.delete(id);
    for (const doc of docs) this.docs.set(doc._id, doc);
    return this.host.commit(
      this.name,
      puts.map((s) => s.json),
      dels,
    );
  }

  private duplicateId(id: string): DuplicateKeyError {
    return new DuplicateKeyError(this.name, ID_INDEX, { _id: 1 }, { _id: id });
  }
}

/** Reads docs already in order until `skip + limit` of them match (all of them without a limit); no sorting. */
function takeMatches(ordered: Iterable<Doc>, filter: Filter, native: ReturnType<typeof compileNative>, options: FindOptions): Doc[] {
  let query: Query | undefined;
  const skip = options.skip ?? 0;
  const want = options.limit !== undefined && options.limit > 0 ? skip + options.limit : Infinity;
  const out: Doc[] = [];
  for (const doc of ordered) {
    if (!(native?.(doc) ?? (query ??= new Query(filter)).test(doc))) continue;
    out.push(doc);
    if (out.length >= want) break;
  }
  return out.slice(skip);
}

/** A doc as stored: its JSON text (what the journal writes) and a private copy parsed back from it (what memory holds). */
interface Stored {
  doc: Doc;
  json: string;
}

/** The stored form of a doc, normalised through JSON so memory matches what replay will load; encoded once, for both. */
function toStored(doc: Doc): Stored {
  if (typeof doc._id !== 'string') throw new TypeError(`_id must be a string, got ${typeof doc._id}`);
  const json = JSON.stringify(doc);
  return { doc: JSON.parse(json) as Doc, json };
}

function sameKeys(a: Record<string, 1 | -1>, b: Record<string, 1 | -1>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
