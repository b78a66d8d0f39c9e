/** A request on its way out, before auth is applied. Strategies add headers or query parameters. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
}

/** Decrypted credentials of one connection (API key, tokens, token-response fields). */
export type Credentials = Record<string, string | number | undefined>;

/** Where a connection's credentials live, so a strategy can reload and save them (OAuth refresh). */
export interface CredentialStore {
  /** Reads the connection's current credentials (decrypted). */
  load(connectionId: string): Promise<Credentials>;
  /** Replaces the connection's credentials (encrypted at rest) before anything else uses them; `account` merges into its non-secret fields. */
  save(connectionId: string, credentials: Credentials, account?: Record<string, unknown>): Promise<void>;
  /** Runs fn holding the connection's refresh lease, so one refresh is in flight across processes. */
  withRefreshLease<T>(connectionId: string, fn: () => Promise<T>): Promise<T>;
  /** Marks the connection as needing the tenant to authorize again. */
  markNeedsReauth(connectionId: string, reason: string): Promise<void>;
}

/** Per-request view a strategy works with. */
export interface AuthContext {
  connectionId: string;
  /** the credentials in use; a refresh replaces this object's contents */
  credentials: Credentials;
  signal?: AbortSignal;
}

/** How one connector signs its requests. */
export interface AuthStrategy {
  /** true when a rejected token can be fixed by refreshing (OAuth) */
  readonly canRefresh: boolean;
  /** Adds credentials to the request; may refresh a token about to expire first. */
  apply(req: OutgoingRequest, ctx: AuthContext): Promise<void>;
  /** Gets a fresh token after the CRM rejected the current one (once per request). */
  refresh?(ctx: AuthContext): Promise<void>;
}
