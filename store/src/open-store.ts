import { openEmbeddedEngine } from './embedded/embedded-engine.js';
import type { MongoEngineOptions } from './mongo/mongo-engine.js';
import type { StoreEngine } from '@hub/core';

/** Where the store lives: MongoDB when `mongodbUrl` is set, else the embedded engine in `dataDir`. */
export interface OpenStoreOptions {
  mongodbUrl?: string;
  dataDir: string;
  /** The embedded engine reads snapshot docs back from disk instead of holding them (see EmbeddedEngineOptions.coldDocs). */
  coldDocs?: boolean;
}

/** Opens the store the configuration asks for (MONGODB_URL wins over HUB_DATA_DIR). */
export function openStore(options: OpenStoreOptions): Promise<StoreEngine> {
  if (options.mongodbUrl !== undefined && options.mongodbUrl !== '') return openMongoEngine(options.mongodbUrl);
  return openEmbeddedEngine({ dir: options.dataDir, coldDocs: options.coldDocs });
}

/**
 * Opens the MongoDB engine. The driver is loaded only here: an embedded hub never needs it, and
 * loading it costs about 20 MB of resident memory (bson alone allocates a 17 MB buffer).
 */
export async function openMongoEngine(url: string, options?: MongoEngineOptions): Promise<StoreEngine> {
  const { openMongoEngine: open } = await import('./mongo/mongo-engine.js');
  return open(url, options);
}
