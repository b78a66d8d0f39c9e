import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { DocCursor, StoreEngine } from '@hub/core';
import { openEmbeddedEngine, type EmbeddedEngine } from '../embedded/embedded-engine.js';
import { openMongoEngine, type MongoEngineOptions } from '../mongo/mongo-engine.js';
import { bsonRoundTrip, withCollections } from './bson-round-trip.js';

export { bsonRoundTrip, withCollections } from './bson-round-trip.js';

/** The MongoDB the store suites also run on (HUB_TEST_MONGODB_URL; `scripts/ferretdb.sh start` prints one). */
export const TEST_MONGODB_URL = process.env.HUB_TEST_MONGODB_URL || undefined;

/** The line printed once per run when the MongoDB half of the store suites does not run. */
export const MONGODB_SKIP_LINE =
  'MongoDB store suites skipped: HUB_TEST_MONGODB_URL is not set (start one with: scripts/ferretdb.sh start)';

/** An engine opened for one test, and how to throw it away. */
export interface OpenedTestEngine {
  engine: StoreEngine;
  /** FerretDB rather than MongoDB: a few assertions of MongoDB-only behaviour are relaxed, each saying why. */
  ferretdb: boolean;
  /**
   * Another connection to the same database, as a second hub process would open (its own client and
   * clock); the embedded engine, which one process owns, answers itself. Closed by dispose().
   */
  peer(): Promise<StoreEngine>;
  dispose(): Promise<void>;
}

/** One engine the parametrised suites run on. */
export interface TestEngine {
  name: 'embedded' | 'embedded, cold docs' | 'mongodb';
  open(options?: MongoEngineOptions): Promise<OpenedTestEngine>;
}

const embedded = embeddedEngine('embedded', false);

// Cold docs, with a snapshot before every read, so each read in a suite goes through the snapshot file.
const embeddedCold = embeddedEngine('embedded, cold docs', true);

function embeddedEngine(name: TestEngine['name'], coldDocs: boolean): TestEngine {
  return {
    name,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'hub-store-'));
      const engine = await openEmbeddedEngine({ dir, coldDocs });
      const seen = coldDocs ? compactingBeforeReads(engine) : engine;
      return {
        engine: bsonRoundTrip(seen),
        ferretdb: false,
        peer: async () => bsonRoundTrip(seen),
        dispose: async () => {
          await engine.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

// Every method that reads docs first compacts, which turns every stored doc cold.
function compactingBeforeReads(engine: EmbeddedEngine): StoreEngine {
  const reads = new Set([
    'findOne',
    'find',
    'updateOne',
    'updateMany',
    'findOneAndUpdate',
    'deleteOne',
    'deleteMany',
    'countDocuments',
    'aggregate',
  ]);
  return withCollections(
    engine,
    (coll) =>
      new Proxy(coll, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof prop !== 'string' || !reads.has(prop) || typeof value !== 'function') return value;
          if (prop === 'find' || prop === 'aggregate') {
            return (...args: unknown[]) => {
              const cursor = (value as (...a: unknown[]) => DocCursor<unknown>).apply(target, args);
              return { toArray: async () => (await engine.compact(), cursor.toArray()) };
            };
          }
          return async (...args: unknown[]) => (await engine.compact(), (value as (...a: unknown[]) => unknown).apply(target, args));
        },
      }),
  );
}

function mongo(url: string): TestEngine {
  return {
    name: 'mongodb',
    async open(options = {}) {
      // A database per test: suites never see each other's documents.
      const dbName = `hub_test_${randomUUID().slice(0, 8)}`;
      const engine = await openMongoEngine(url, { ...options, dbName });
      const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5000 });
      const info = await client.db(dbName).command({ buildInfo: 1 });
      await client.close();
      const peers: StoreEngine[] = [];
      return {
        engine,
        ferretdb: typeof info.ferretdbVersion === 'string',
        peer: async () => {
          const peer = await openMongoEngine(url, { ...options, dbName });
          peers.push(peer);
          return peer;
        },
        dispose: async () => {
          await Promise.all(peers.map((p) => p.close()));
          await engine.close();
          const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5000 });
          await client.db(dbName).dropDatabase();
          await client.close();
        },
      };
    },
  };
}

/** The engines every store suite runs on: embedded (through BSON, docs in memory and cold) always, MongoDB when configured. */
export function testEngines(): TestEngine[] {
  return TEST_MONGODB_URL ? [embedded, embeddedCold, mongo(TEST_MONGODB_URL)] : [embedded, embeddedCold];
}
