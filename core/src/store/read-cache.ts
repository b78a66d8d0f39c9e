import { LruCache } from '../lru-cache.js';
import type { Doc, DocCollection } from './types.js';

/** Methods that may change a collection (the contract's, and the driver's others, should a caller use them). */
const WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'bulkWrite',
  'drop',
]);

/** Whether a write's answer says it changed nothing (a conservative reading: unknown answers changed something). */
function changedNothing(method: string, args: unknown[], result: unknown): boolean {
  const r = result as { modifiedCount?: number; upsertedCount?: number; deletedCount?: number } | null;
  if (method === 'updateOne' || method === 'updateMany') return r?.modifiedCount === 0 && !r.upsertedCount;
  if (method === 'deleteOne' || method === 'deleteMany') return r?.deletedCount === 0;
  if (method === 'findOneAndUpdate') return r === null && (args[2] as { upsert?: boolean } | undefined)?.upsert !== true;
  return false;
}

/**
 * Reads of one collection kept in memory, for a process that is the store's only writer (the embedded
 * engine: one process per data folder). Every write goes through `collection`, the watched handle:
 * one that changed something drops every entry, and a read that overlapped a write is not kept.
 * Entries are frozen and shared by every caller; past `maxEntries` the least recently used goes.
 */
export class ReadCache<T extends Doc, V> {
  /** The handle to read and write the collection through (the same methods; writes are watched). */
  readonly collection: DocCollection<T>;
  private readonly entries: LruCache<string, V>;
  private generation = 0;
  private writing = 0;

  constructor(collection: DocCollection<T>, maxEntries = 10_000) {
    this.entries = new LruCache(maxEntries);
    this.collection = new Proxy(collection, {
      get: (target, name, receiver) => {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (typeof name !== 'string' || !WRITES.has(name)) return method.bind(target);
        return (...args: unknown[]) => this.watch(name, args, () => method.apply(target, args));
      },
    });
  }

  /** The value under `key`: from memory, or from `load` (kept when no write overlapped it and it is not null). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const value = await load();
    if (value !== null && this.writing === 0 && generation === this.generation) this.entries.set(key, deepFreeze(value));
    return value;
  }

  private async watch(method: string, args: unknown[], write: () => unknown): Promise<unknown> {
    this.writing++;
    let unchanged = false;
    try {
      const result = await write();
      unchanged = changedNothing(method, args, result);
      return result;
    } finally {
      this.writing--;
      if (!unchanged) {
        this.generation++;
        this.entries.clear();
      }
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
