/** How a failure should be treated, independent of where it came from. */
export type ErrorKind = 'input' | 'not_found' | 'conflict' | 'auth' | 'rate_limited' | 'transient' | 'permanent' | 'config' | 'internal';

/** The one table of error codes: code → default kind and HTTP status. */
export const ERROR_CODES = {
  HUB_ERR_VALIDATION: { kind: 'input', status: 400 },
  HUB_ERR_UNAUTHORIZED: { kind: 'auth', status: 401 },
  HUB_ERR_NOT_FOUND: { kind: 'not_found', status: 404 },
  HUB_ERR_CONFLICT: { kind: 'conflict', status: 409 },
  HUB_ERR_RATE_LIMITED: { kind: 'rate_limited', status: 429 },
  HUB_ERR_UNSAFE_URL: { kind: 'input', status: 400 },
  HUB_ERR_UNKNOWN_CONNECTOR: { kind: 'input', status: 400 },
  HUB_ERR_CAPABILITY: { kind: 'input', status: 400 },
  HUB_ERR_CRM_AUTH: { kind: 'auth', status: 502 },
  HUB_ERR_CRM_RATE_LIMITED: { kind: 'rate_limited', status: 503 },
  HUB_ERR_CRM_TRANSIENT: { kind: 'transient', status: 502 },
  HUB_ERR_CRM_REJECTED: { kind: 'permanent', status: 502 },
  HUB_ERR_MAPPING: { kind: 'config', status: 422 },
  HUB_ERR_MANIFEST: { kind: 'config', status: 500 },
  HUB_ERR_OAUTH: { kind: 'auth', status: 400 },
  HUB_ERR_STORE: { kind: 'transient', status: 503 },
  HUB_ERR_INTERNAL: { kind: 'internal', status: 500 },
} as const satisfies Record<string, { kind: ErrorKind; status: number }>;

/** A `HUB_ERR_*` code. */
export type HubErrorCode = keyof typeof ERROR_CODES;

/** Options for a HubError beyond code and message. */
export interface HubErrorOptions {
  retryable?: boolean;
  statusCode?: number;
  kind?: ErrorKind;
  cause?: unknown;
  /** the request field (JSON path) that is wrong, for input errors */
  field?: string;
  /** when to try again, for rate-limited and transient errors */
  retryAfterMs?: number;
  /** extra, secret-free detail for logs and API answers */
  details?: Record<string, unknown>;
}

const BRAND = Symbol.for('hub.error');

/** The one error type of the hub: a code, a kind, whether a retry can help, and an HTTP status. */
export class HubError extends Error {
  readonly [BRAND] = true;
  readonly code: HubErrorCode;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly statusCode: number;
  readonly field?: string;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: HubErrorCode, message: string, options: HubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubError';
    this.code = code;
    this.kind = options.kind ?? ERROR_CODES[code].kind;
    this.statusCode = options.statusCode ?? ERROR_CODES[code].status;
    this.retryable = options.retryable ?? (this.kind === 'transient' || this.kind === 'rate_limited');
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  /** A secret-free, JSON-safe summary for sync logs and API answers. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      ...(this.field ? { field: this.field } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Type guard that works across package copies (checks a brand, not the prototype chain). */
export function isHubError(err: unknown): err is HubError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** Shorthand for a 400 naming the field that is wrong. */
export function inputError(field: string, message: string): HubError {
  return new HubError('HUB_ERR_VALIDATION', `${field}: ${message}`, { field });
}

/** Shorthand for a 404 that does not reveal whether the id exists for someone else. */
export function notFound(what: string, id: string): HubError {
  return new HubError('HUB_ERR_NOT_FOUND', `${what} ${id} was not found`);
}
