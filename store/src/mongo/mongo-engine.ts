import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Doc, DocCollection, StoreEngine } from '@hub/core';

/** Options of the MongoDB engine. */
export interface MongoEngineOptions {
  /** Database name; defaults to the one in the URL, else the driver's default (`test`). */
  dbName?: string;
  /** Passed to the driver as they are. */
  clientOptions?: MongoClientOptions;
}

/** Connects to MongoDB and serves the store contract with the official driver's own collections. */
export async function openMongoEngine(url: string, options: MongoEngineOptions = {}): Promise<StoreEngine> {
  const client = new MongoClient(url, options.clientOptions);
  await client.connect();
  const db = client.db(options.dbName);
  return {
    kind: 'mongodb',
    collection<T extends Doc = Doc>(name: string): DocCollection<T> {
      // Typed against Doc, the driver's Collection is checked to meet the contract as it is. The one
      // cast only narrows the doc type, which TypeScript cannot follow through the driver's generics.
      const coll: DocCollection<Doc> = db.collection<Doc>(name);
      return coll as unknown as DocCollection<T>;
    },
    close: () => client.close(),
  };
}
