import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../types.js';
import { hashSecret, randomToken } from '../../security/crypto.js';
import type { TenantDoc } from './documents.js';

/** Tenants and their API keys (stored as SHA-256 hashes: keys are random, so no slow hash is needed). */
export class TenantRepo {
  constructor(readonly col: DocCollection<TenantDoc>) {}

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

  /** The tenant an API key belongs to, if any. */
  async byApiKey(apiKey: string): Promise<TenantDoc | null> {
    return this.col.findOne({ apiKeyHash: hashSecret(apiKey) });
  }
}
