/** Picks and opens the engine from configuration; the MongoDB engine (its driver loaded on first use). */
export { openStore, openMongoEngine, type OpenStoreOptions } from './open-store.js';
/** The embedded engine, for callers that want it explicitly (tools, tests). */
export { EmbeddedEngine, openEmbeddedEngine, type EmbeddedEngineOptions } from './embedded/embedded-engine.js';
/** The embedded store's data folder is held by another live process. */
export { DataDirInUseError } from './embedded/lock.js';
/** Options of the MongoDB engine. */
export type { MongoEngineOptions } from './mongo/mongo-engine.js';
