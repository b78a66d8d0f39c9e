/** The document-collection contract repositories are written against. */
export type { Doc, DocCollection, DocCursor, Filter, FindOneAndUpdateOptions, FindOptions, StoreEngine, Update } from './types.js';
/** Error code of a unique index violation, from either engine. */
export { DUPLICATE_KEY_CODE } from './types.js';
/** The duplicate key error the embedded engine raises, and a guard that recognises either engine's. */
export { DuplicateKeyError, isDuplicateKeyError } from './errors.js';
/** Picks and opens the engine from configuration. */
export { openStore, type OpenStoreOptions } from './open-store.js';
/** The embedded engine, for callers that want it explicitly (tools, tests). */
export { EmbeddedEngine, openEmbeddedEngine, type EmbeddedEngineOptions } from './embedded/embedded-engine.js';
/** The MongoDB engine. */
export { openMongoEngine, type MongoEngineOptions } from './mongo/mongo-engine.js';
