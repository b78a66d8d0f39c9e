/**
 * The narrow document-collection contract every repository is written against.
 * The official `mongodb` driver's `Collection` satisfies it as it is; the embedded
 * engine implements the same subset with mingo plus a durable journal.
 */

/** A stored document: plain JSON-compatible data with a string `_id`. */
export interface Doc {
  _id: string;
  [key: string]: unknown;
}

/** MongoDB query filter (subset: equality, $in, $nin, $gt/$gte/$lt/$lte, $ne, $exists, $or, $and). */
export type Filter = Record<string, unknown>;

/** MongoDB update document ($set, $unset, $inc, $push, $setOnInsert) or nothing else. */
export type Update = Record<string, unknown>;

/** Options accepted by find-like calls. */
export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
  projection?: Record<string, 0 | 1>;
}

/** Options accepted by findOneAndUpdate. */
export interface FindOneAndUpdateOptions {
  sort?: Record<string, 1 | -1>;
  upsert?: boolean;
  returnDocument?: 'before' | 'after';
}

/** A cursor, reduced to what repositories use. */
export interface DocCursor<T> {
  toArray(): Promise<T[]>;
}

/** The collection subset shared by the MongoDB driver and the embedded engine. */
export interface DocCollection<T extends Doc = Doc> {
  insertOne(doc: T): Promise<unknown>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): DocCursor<T>;
  updateOne(
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<{ matchedCount: number; modifiedCount: number; upsertedCount?: number }>;
  updateMany(filter: Filter, update: Update): Promise<{ matchedCount: number; modifiedCount: number }>;
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  deleteOne(filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter): Promise<{ deletedCount: number }>;
  countDocuments(filter?: Filter): Promise<number>;
  /** A simple aggregation ($match first, then $group/$sort/$project/$limit): both engines run it server-side. */
  aggregate<R extends object = Doc>(pipeline: object[]): DocCursor<R>;
  createIndex(keys: Record<string, 1 | -1>, options?: { unique?: boolean; name?: string }): Promise<string>;
}

/** A storage engine: named collections plus lifecycle. */
export interface StoreEngine {
  /** `embedded` or `mongodb`, for /health and logs. */
  readonly kind: 'embedded' | 'mongodb';
  /**
   * Whether an update's filter and write happen as one step (MongoDB, embedded). False on FerretDB
   * 1.x, which reads the matching doc and then writes the whole doc back by _id, unconditionally: the
   * queue then numbers its claims with unique inserts (LeaseLog) and fences every holder's write on them.
   */
  readonly atomicUpdates: boolean;
  /**
   * True when every write is visible as soon as it is issued and writes reach the disk in the order
   * issued (the embedded engine's one journal): a later write acknowledged means every earlier one is
   * durable, so dependent writes need not wait for each other.
   */
  readonly orderedWrites?: boolean;
  collection<T extends Doc = Doc>(name: string): DocCollection<T>;
  /**
   * The store's clock in epoch ms. Leases and due times are compared against it, so several processes
   * agree on them whatever their own clocks say (MongoDB: the server's clock, sampled and corrected).
   */
  now(): number;
  /** Resolves when the store answers; rejects (within a few seconds) when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Error code raised on a unique index violation (MongoDB's E11000). */
export const DUPLICATE_KEY_CODE = 11000;
