import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { Doc, DocCollection, StoreEngine } from '@hub/core';
import { ServerClock } from './server-clock.js';

/** Options of the MongoDB engine. */
export interface MongoEngineOptions {
  /** Database name; defaults to the one in the URL, else `voice_crm_hub` (never the driver's `test`). */
  dbName?: string;
  /** Laid over the hub's defaults (see {@link HUB_CLIENT_OPTIONS}). */
  clientOptions?: MongoClientOptions;
  /** This process's clock; tests skew it to prove that leases follow the server's clock. */
  localClock?: () => number;
}

/** The database used when the URL names none. */
export const DEFAULT_DB_NAME = 'voice_crm_hub';

/**
 * The hub's driver settings. An acknowledged write must survive a failover (majority, journaled);
 * `undefined` fields are left out instead of stored as null, as the embedded engine does; a lost
 * server fails a request within seconds instead of the driver's 30 s, so ingest can answer 503.
 */
export const HUB_CLIENT_OPTIONS: MongoClientOptions = {
  appName: 'voice-crm-hub',
  ignoreUndefined: true,
  writeConcern: { w: 'majority', journal: true, wtimeoutMS: 10_000 },
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  // timeoutMS (CSOT) is deprecated in driver 7; the socket timeout bounds a request that hangs.
  socketTimeoutMS: 30_000,
  maxPoolSize: 20,
};

/** Connects to MongoDB and serves the store contract with the official driver's own collections. */
export async function openMongoEngine(url: string, options: MongoEngineOptions = {}): Promise<StoreEngine> {
  const client = new MongoClient(url, { ...HUB_CLIENT_OPTIONS, ...options.clientOptions });
  try {
    await client.connect();
    const db = client.db(options.dbName ?? dbNameOf(url));
    const clock = new ServerClock(() => serverTime(db), options.localClock);
    await clock.sync();
    const info = await db.command({ buildInfo: 1 });
    return engineOver(client, db, clock, typeof info.ferretdbVersion !== 'string');
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}

function engineOver(client: MongoClient, db: Db, clock: ServerClock, atomicUpdates: boolean): StoreEngine {
  return {
    kind: 'mongodb',
    // FerretDB 1.x (it answers buildInfo with ferretdbVersion) applies updates as read-then-write.
    atomicUpdates,
    collection<T extends Doc = Doc>(name: string): DocCollection<T> {
      // Typed against Doc, the driver's Collection is checked to meet the contract as it is. The one
      // cast only narrows the doc type, which TypeScript cannot follow through the driver's generics.
      const coll: DocCollection<Doc> = db.collection<Doc>(name);
      return coll as unknown as DocCollection<T>;
    },
    now: () => clock.now(),
    ping: async () => {
      await db.command({ ping: 1 });
    },
    close: async () => {
      clock.stop();
      await client.close();
    },
  };
}

/** The server's clock, from `hello` (MongoDB and FerretDB both answer `localTime`). */
async function serverTime(db: Db): Promise<number> {
  const hello = await db.command({ hello: 1 });
  const at = hello.localTime as unknown;
  if (!(at instanceof Date)) throw new Error('the MongoDB server did not report its time (hello.localTime)');
  return at.getTime();
}

/** The database in the URL's path, else the hub's default. */
export function dbNameOf(url: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : DEFAULT_DB_NAME;
}
