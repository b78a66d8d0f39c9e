import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../types.js';
import type { Keyring } from '../../security/crypto.js';
import type { Credentials } from '../../auth/types.js';
import { notFound } from '../../errors/hub-error.js';
import type { IntegrationDoc, IntegrationStatus } from './documents.js';
import { ReadCache } from '../read-cache.js';

/** What a new integration is made of. */
export type NewIntegration = Omit<IntegrationDoc, '_id' | 'createdAt' | 'updatedAt' | 'credentials'> & { credentials?: Credentials };

/** Integrations, always scoped by tenant; credentials sealed with the keyring. */
export class IntegrationRepo {
  readonly col: DocCollection<IntegrationDoc>;
  /** each agent's integrations, when this process is the store's only writer */
  private readonly byAgent?: ReadCache<IntegrationDoc, readonly IntegrationDoc[]>;

  /** `cacheReads`: only when no other process writes the store (the embedded engine). */
  constructor(
    col: DocCollection<IntegrationDoc>,
    private readonly keyring: Keyring,
    options: { cacheReads?: boolean } = {},
  ) {
    // Whole docs per agent: bounded to the agents calling most, well below what the store itself holds.
    this.byAgent = options.cacheReads ? new ReadCache(col, 1_000) : undefined;
    this.col = this.byAgent?.collection ?? col;
  }

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, agentId: 1 });
  }

  /** How many distinct agents of a tenant have an integration of each type (an aggregation). */
  async agentsByType(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.col
      .aggregate<{ _id: { type: string; agentId: string } }>([
        { $match: { tenantId } },
        { $group: { _id: { type: '$type', agentId: '$agentId' } } },
      ])
      .toArray();
    const counts = new Map<string, number>();
    for (const { _id } of rows) counts.set(_id.type, (counts.get(_id.type) ?? 0) + 1);
    return counts;
  }

  /** Stores a new integration, sealing its credentials. */
  async create(input: NewIntegration): Promise<IntegrationDoc> {
    const now = new Date().toISOString();
    const { credentials, ...rest } = input;
    const doc: IntegrationDoc = {
      ...rest,
      _id: `int_${randomUUID()}`,
      createdAt: now,
      updatedAt: now,
      ...(credentials ? { credentials: this.keyring.seal(credentials) } : {}),
    };
    await this.col.insertOne(doc);
    return doc;
  }

  /** One integration of a tenant's agent; 404 for anyone else's. */
  async get(tenantId: string, agentId: string, id: string): Promise<IntegrationDoc> {
    const doc = await this.col.findOne({ _id: id, tenantId, agentId });
    if (!doc) throw notFound('integration', id);
    return doc;
  }

  /** By id alone: for the worker and OAuth callbacks, which carry no tenant credentials. */
  async byId(id: string): Promise<IntegrationDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Every integration of an agent. */
  async list(tenantId: string, agentId: string): Promise<IntegrationDoc[]> {
    return this.col.find({ tenantId, agentId }, { sort: { createdAt: 1 } }).toArray();
  }

  /**
   * Every integration of an agent, as `list` answers, for the sync endpoint (every call asks): where the
   * repository may cache, from memory until an integration is written, and then frozen and shared.
   */
  async listShared(tenantId: string, agentId: string): Promise<readonly IntegrationDoc[]> {
    const load = () => this.list(tenantId, agentId);
    return this.byAgent ? this.byAgent.get(JSON.stringify([tenantId, agentId]), load) : load();
  }

  /** How many integrations each agent of a tenant has. */
  async countByAgent(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.col.find({ tenantId }, { projection: { agentId: 1 } }).toArray();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.agentId, (counts.get(r.agentId) ?? 0) + 1);
    return counts;
  }

  /** The integration types a tenant (or one of its agents) has. */
  async typesOf(tenantId: string, agentId?: string): Promise<string[]> {
    const rows = await this.col.find(agentId ? { tenantId, agentId } : { tenantId }, { projection: { type: 1 } }).toArray();
    return [...new Set(rows.map((r) => r.type))];
  }

  /** Applies a partial change; credentials, when given, are sealed again. */
  async update(
    tenantId: string,
    id: string,
    patch: Partial<Omit<IntegrationDoc, 'credentials'>> & { credentials?: Credentials },
  ): Promise<IntegrationDoc> {
    const { credentials, ...rest } = patch;
    const set: Record<string, unknown> = { ...rest, updatedAt: new Date().toISOString() };
    if (credentials) set.credentials = this.keyring.seal(credentials);
    const doc = await this.col.findOneAndUpdate({ _id: id, tenantId }, { $set: set }, { returnDocument: 'after' });
    if (!doc) throw notFound('integration', id);
    return doc;
  }

  /** Called after setStatus changed an integration's status (the health webhook listens). */
  onStatusChange?: (before: IntegrationDoc, status: IntegrationStatus) => Promise<void>;

  /** Sets the status (and why), e.g. needs_reauth after invalid_grant. */
  async setStatus(id: string, status: IntegrationStatus, reason?: string): Promise<void> {
    const before = await this.col.findOneAndUpdate(
      { _id: id },
      { $set: { status, statusReason: reason ?? null, updatedAt: new Date().toISOString() } },
      { returnDocument: 'before' },
    );
    if (before && before.status !== status) await this.onStatusChange?.(before, status);
  }

  /** Removes an integration. */
  async remove(tenantId: string, agentId: string, id: string): Promise<void> {
    const res = await this.col.deleteOne({ _id: id, tenantId, agentId });
    if (res.deletedCount === 0) throw notFound('integration', id);
  }

  /** Decrypts an integration's credentials. */
  credentials(doc: IntegrationDoc): Credentials {
    return doc.credentials ? this.keyring.open<Credentials>(doc.credentials) : {};
  }

  /** Replaces credentials by integration id (token refresh), sealed. */
  async saveCredentials(id: string, credentials: Credentials, account?: Record<string, unknown>): Promise<void> {
    const set: Record<string, unknown> = { credentials: this.keyring.seal(credentials), updatedAt: new Date().toISOString() };
    if (account) set.account = account;
    await this.col.updateOne({ _id: id }, { $set: set });
  }
}
