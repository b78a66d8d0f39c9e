import { DUPLICATE_KEY_CODE } from './types.js';

/** A unique index violation, shaped like the driver's E11000 server error (`code`, `keyPattern`, `keyValue`). */
export class DuplicateKeyError extends Error {
  /** Always 11000, so callers can test `code` whichever engine raised it. */
  readonly code = DUPLICATE_KEY_CODE;

  constructor(
    collection: string,
    readonly index: string,
    readonly keyPattern: Record<string, 1 | -1>,
    readonly keyValue: Record<string, unknown>,
  ) {
    const dup = Object.entries(keyValue)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ');
    super(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: { ${dup} }`);
    this.name = 'DuplicateKeyError';
  }
}

/** True for a duplicate key error from either engine; checks `code`, not the class, so driver errors pass too. */
export function isDuplicateKeyError(err: unknown): err is Error & { code: typeof DUPLICATE_KEY_CODE } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY_CODE;
}
