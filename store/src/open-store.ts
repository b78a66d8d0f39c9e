import { openEmbeddedEngine } from './embedded/embedded-engine.js';
import { openMongoEngine } from './mongo/mongo-engine.js';
import type { StoreEngine } from '@hub/core';

/** Where the store lives: MongoDB when `mongodbUrl` is set, else the embedded engine in `dataDir`. */
export interface OpenStoreOptions {
  mongodbUrl?: string;
  dataDir: string;
}

/** Opens the store the configuration asks for (MONGODB_URL wins over HUB_DATA_DIR). */
export function openStore(options: OpenStoreOptions): Promise<StoreEngine> {
  if (options.mongodbUrl !== undefined && options.mongodbUrl !== '') return openMongoEngine(options.mongodbUrl);
  return openEmbeddedEngine({ dir: options.dataDir });
}
