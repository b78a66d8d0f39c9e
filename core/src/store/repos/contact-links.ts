import type { DocCollection } from '../types.js';

type ContactLinkDoc = {
  _id: string;
  tenantId: string;
  integrationId: string;
  contact: Record<string, unknown>;
  at: string;
};

/**
 * The CRM contact the hub found or made for a (connection, phone/email). CRMs' search indexes lag
 * their writes (HubSpot by up to 30 s), so the hub remembers what it created instead of trusting
 * a search to find it again.
 */
export class ContactLinkRepo {
  constructor(readonly col: DocCollection<ContactLinkDoc>) {}

  /** The remembered contact for any of the keys. */
  async find(integrationId: string, keys: string[]): Promise<Record<string, unknown> | undefined> {
    if (keys.length === 0) return undefined;
    const doc = await this.col.findOne({ _id: { $in: keys.map((k) => `${integrationId}:${k}`) } });
    return doc?.contact;
  }

  /** Remembers a contact under each key. */
  async remember(tenantId: string, integrationId: string, keys: string[], contact: Record<string, unknown>): Promise<void> {
    const at = new Date().toISOString();
    for (const k of keys) {
      await this.col.updateOne({ _id: `${integrationId}:${k}` }, { $set: { tenantId, integrationId, contact, at } }, { upsert: true });
    }
  }
}
