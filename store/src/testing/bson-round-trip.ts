import { BSON } from 'mongodb';
import type { Doc, DocCollection, DocCursor, StoreEngine } from '@hub/core';

// What the driver does to every value it sends or receives (ignoreUndefined, as the MongoDB engine
// configures it): undefined fields vanish, Dates stay Dates, other class instances become plain data.
function viaBson<T>(value: T): T {
  if (value === undefined || value === null) return value;
  return BSON.deserialize(BSON.serialize({ v: value }, { ignoreUndefined: true })).v as T;
}

const UPDATE_STORING_OPS = ['$set', '$setOnInsert', '$push'];

/**
 * MongoDB refuses to store a `$`-prefixed field name through an update operator ("The dollar ($)
 * prefixed field … is not valid for storage", code 52); the embedded engine would keep it.
 */
function rejectDollarKeys(value: unknown, path: string): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') && !Array.isArray(value)) {
      throw Object.assign(new Error(`The dollar ($) prefixed field '${key}' in '${path}.${key}' is not valid for storage.`), { code: 52 });
    }
    rejectDollarKeys(inner, `${path}.${key}`);
  }
}

function checkUpdate(update: Record<string, unknown>): void {
  for (const op of UPDATE_STORING_OPS) {
    for (const [field, value] of Object.entries((update[op] as Record<string, unknown> | undefined) ?? {})) rejectDollarKeys(value, field);
  }
}

function wrap<T extends Doc>(inner: DocCollection<T>): DocCollection<T> {
  const out = <R>(p: Promise<R>): Promise<R> => p.then(viaBson);
  const cursor = <R>(c: DocCursor<R>): DocCursor<R> => ({ toArray: () => out(c.toArray()) });
  return {
    insertOne: (doc) => inner.insertOne(viaBson(doc)),
    findOne: (filter, options) => out(inner.findOne(viaBson(filter), options)),
    find: (filter, options) => cursor(inner.find(viaBson(filter), options)),
    updateOne: async (filter, update, options) => (checkUpdate(update), inner.updateOne(viaBson(filter), viaBson(update), options)),
    updateMany: async (filter, update) => (checkUpdate(update), inner.updateMany(viaBson(filter), viaBson(update))),
    findOneAndUpdate: async (filter, update, options) => (
      checkUpdate(update),
      out(inner.findOneAndUpdate(viaBson(filter), viaBson(update), options))
    ),
    deleteOne: (filter) => inner.deleteOne(viaBson(filter)),
    deleteMany: (filter) => inner.deleteMany(viaBson(filter)),
    countDocuments: (filter) => inner.countDocuments(viaBson(filter)),
    aggregate: <R extends object>(pipeline: object[]) => cursor(inner.aggregate<R>(viaBson(pipeline))),
    createIndex: (keys, options) => inner.createIndex(keys, options),
  };
}

/**
 * The embedded engine seen through the driver's BSON encoding, so suites run on it meet
 * `undefined`, `$`-prefixed keys and Dates as they would on MongoDB.
 */
export function bsonRoundTrip(engine: StoreEngine): StoreEngine {
  return withCollections(engine, wrap);
}

/** `engine` with each of its collections seen through `wrapOne` (one wrapped handle per name). */
export function withCollections(engine: StoreEngine, wrapOne: (coll: DocCollection) => DocCollection): StoreEngine {
  const cache = new Map<string, DocCollection>();
  return {
    kind: engine.kind,
    atomicUpdates: engine.atomicUpdates,
    orderedWrites: engine.orderedWrites,
    now: () => engine.now(),
    collection<T extends Doc = Doc>(name: string): DocCollection<T> {
      let coll = cache.get(name);
      if (!coll) cache.set(name, (coll = wrapOne(engine.collection(name))));
      return coll as unknown as DocCollection<T>;
    },
    ping: () => engine.ping(),
    close: () => engine.close(),
  };
}
