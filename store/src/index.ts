/** Picks and opens the engine from configuration. */
export { openStore, type OpenStoreOptions } from './open-store.js';
/** The embedded engine, for callers that want it explicitly (tools, tests). */
export { EmbeddedEngine, openEmbeddedEngine, type EmbeddedEngineOptions } from './embedded/embedded-engine.js';
/** The MongoDB engine. */
export { openMongoEngine, type MongoEngineOptions } from './mongo/mongo-engine.js';
