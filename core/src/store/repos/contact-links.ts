import type { DocCollection } from '../types.js';
import { decodeKeys, encodeKeys } from '../stored-keys.js';

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

  /**
   * The remembered contact for the first of the keys that has one, in the caller's order (phone
   * before email): an `$in` lookup alone returns whichever doc the engine meets first.
   */
  async find(integrationId: string, keys: string[]): Promise<Record<string, unknown> | undefined> {
    if (keys.length === 0) return undefined;
    const ids = keys.map((k) => `${integrationId}:${k}`);
    const docs = await this.col.find({ _id: { $in: ids } }).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    const doc = ids.map((id) => byId.get(id)).find((d) => d !== undefined);
    return doc ? decodeKeys(doc.contact) : undefined;
  }

  /** Remembers a contact under each key. */
  async remember(tenantId: string, integrationId: string, keys: string[], contact: Record<string, unknown>): Promise<void> {
    const at = new Date().toISOString();
    for (const k of keys) {
      await this.col.updateOne(
        { _id: `${integrationId}:${k}` },
        { $set: { tenantId, integrationId, contact: encodeKeys(contact), at } },
        { upsert: true },
      );
    }
  }
}
