import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../types.js';
import { hashSecret, randomToken } from '../../security/crypto.js';
import type { TenantDoc } from './documents.js';
import { ReadCache } from '../read-cache.js';

/** Tenants and their API keys (stored as SHA-256 hashes: keys are random, so no slow hash is needed). */
export class TenantRepo {
  readonly col: DocCollection<TenantDoc>;
  /** tenant ids by API key hash, when this process is the store's only writer */
  private readonly byKeyHash?: ReadCache<TenantDoc, string | null>;

  /** `cacheReads`: only when no other process writes the store (the embedded engine). */
  constructor(col: DocCollection<TenantDoc>, options: { cacheReads?: boolean } = {}) {
    this.byKeyHash = options.cacheReads ? new ReadCache(col) : undefined;
    this.col = this.byKeyHash?.collection ?? col;
  }

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ apiKeyHash: 1 }, { unique: true });
  }

  /** Creates a tenant and returns its API key, which is shown this once. */
  async create(name: string): Promise<{ tenantId: string; apiKey: string }> {
    const apiKey = randomToken('hub_sk_', 32);
    const tenantId = `ten_${randomUUID()}`;
    await this.col.insertOne({ _id: tenantId, name, apiKeyHash: hashSecret(apiKey), createdAt: new Date().toISOString() });
    return { tenantId, apiKey };
  }

  /** A tenant by id, if any. */
  async byId(tenantId: string): Promise<TenantDoc | null> {
    return this.col.findOne({ _id: tenantId });
  }

  /**
   * The id of the tenant an API key belongs to, or null: what every authenticated request asks, so
   * answered from memory where the repository may cache (keyed by the hash; unknown keys are not kept).
   */
  async tenantIdOfKey(apiKey: string): Promise<string | null> {
    const apiKeyHash = hashSecret(apiKey);
    const load = async () => (await this.col.findOne({ apiKeyHash }, { projection: { _id: 1 } }))?._id ?? null;
    return this.byKeyHash ? this.byKeyHash.get(apiKeyHash, load) : load();
  }
}
