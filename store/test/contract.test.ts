import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { MongoClient } from 'mongodb';
import { openEmbeddedEngine, openMongoEngine } from '../src/index.js';
import { storeContract } from './contract.js';
import { tempDir } from './helpers.js';

const mongodbUrl = process.env.MONGODB_URL;

describe('store contract: embedded', () => {
  storeContract(async () => {
    const tmp = await tempDir();
    const engine = await openEmbeddedEngine({ dir: tmp.dir });
    return {
      engine,
      dispose: async () => {
        await engine.close();
        await tmp.remove();
      },
    };
  });
});

// Runs only where a MongoDB is configured; skipped otherwise, and reported as skipped.
describe.runIf(mongodbUrl !== undefined && mongodbUrl !== '')('store contract: mongodb', () => {
  storeContract(async () => {
    const dbName = `hub_contract_${randomUUID().slice(0, 8)}`;
    const engine = await openMongoEngine(mongodbUrl as string, { dbName });
    return {
      engine,
      dispose: async () => {
        await engine.close();
        const client = await MongoClient.connect(mongodbUrl as string);
        await client.db(dbName).dropDatabase();
        await client.close();
      },
    };
  });
});
