import { randomUUID } from 'node:crypto';
import type { IntegrationRepo } from '../../store/repos/integrations.js';
import type { LockRepo } from '../../store/repos/locks.js';
import type { CredentialStore, Credentials } from '../types.js';

/**
 * Credentials kept on the integration documents (sealed by the repository), with the refresh lease
 * in the store's locks collection so hub processes sharing one database refresh one at a time.
 */
export class RepoCredentialStore implements CredentialStore {
  constructor(
    private readonly integrations: IntegrationRepo,
    private readonly locks: LockRepo,
    private readonly leaseMs = 30_000,
  ) {}

  /** Reads the integration's current credentials (decrypted). */
  async load(connectionId: string): Promise<Credentials> {
    const doc = await this.integrations.byId(connectionId);
    return doc ? this.integrations.credentials(doc) : {};
  }

  /** Replaces the credentials; kept token fields merge into the integration's account. */
  async save(connectionId: string, credentials: Credentials, account?: Record<string, unknown>): Promise<void> {
    const doc = account && Object.keys(account).length ? await this.integrations.byId(connectionId) : null;
    await this.integrations.saveCredentials(connectionId, credentials, doc ? { ...doc.account, ...account } : undefined);
  }

  /** Runs fn holding the integration's refresh lease. */
  withRefreshLease<T>(connectionId: string, fn: () => Promise<T>): Promise<T> {
    // A fresh owner per acquisition: LockRepo lets an owner re-take its own lease, which would let
    // two refreshes of this very process run side by side.
    return this.locks.withLock(`oauth-refresh:${connectionId}`, `refresh:${randomUUID()}`, fn, {
      ttlMs: this.leaseMs,
      waitMs: this.leaseMs * 2,
    });
  }

  /** Marks the integration `needs_reauth` with the reason shown in its status. */
  async markNeedsReauth(connectionId: string, reason: string): Promise<void> {
    await this.integrations.setStatus(connectionId, 'needs_reauth', reason);
  }
}
