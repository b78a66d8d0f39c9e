/**
 * The document-collection contract repositories are written against. The engines that serve it
 * (embedded, MongoDB) live in @hub/store, so the engine carries no database driver.
 */
export type { Doc, DocCollection, DocCursor, Filter, FindOneAndUpdateOptions, FindOptions, StoreEngine, Update } from './types.js';
/** Error code of a unique index violation, from either engine. */
export { DUPLICATE_KEY_CODE } from './types.js';
/** The duplicate key error the embedded engine raises, and a guard that recognises either engine's. */
export { DuplicateKeyError, isDuplicateKeyError } from './errors.js';
