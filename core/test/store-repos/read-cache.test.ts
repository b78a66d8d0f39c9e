import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '@hub/store/testing';
import { hubOnEngine } from './hub-on-engine.js';
import { HubServices } from '../../src/services.js';
import { ReadCache } from '../../src/store/read-cache.js';
import type { Doc } from '../../src/store/types.js';

// What every authenticated request and every posted call read (the API key's tenant, the agent's
// integrations) may be answered from memory on the embedded engine; on every engine a change made
// through the repositories is seen by the very next read.
describe.each(testEngines())('cached request reads on $name', (target) => {
  let hub: HubServices;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ hub, dispose } = await hubOnEngine(target));
  });
  afterEach(() => dispose());

  const connect = (agentId: string) =>
    hub.repos.integrations.create({ tenantId: 't', agentId, type: 'zapier', status: 'connected', config: {}, fieldMappings: {} } as never);

  it("answers an API key's tenant, and stops at once when the tenant's key changes or the tenant goes", async () => {
    const { tenantId, apiKey } = await hub.repos.tenants.create('Acme');
    const other = await hub.repos.tenants.create('Other');
    expect(await hub.repos.tenants.tenantIdOfKey(apiKey)).toBe(tenantId);
    expect(await hub.repos.tenants.tenantIdOfKey(apiKey)).toBe(tenantId);
    expect(await hub.repos.tenants.tenantIdOfKey(other.apiKey)).toBe(other.tenantId);
    expect(await hub.repos.tenants.tenantIdOfKey('hub_sk_unknown')).toBeNull();
    await hub.repos.tenants.col.updateOne({ _id: tenantId }, { $set: { apiKeyHash: 'rotated' } });
    expect(await hub.repos.tenants.tenantIdOfKey(apiKey)).toBeNull();
    await hub.repos.tenants.col.deleteOne({ _id: other.tenantId });
    expect(await hub.repos.tenants.tenantIdOfKey(other.apiKey)).toBeNull();
  });

  it("answers an agent's integrations as list does, and sees every change made through the repository", async () => {
    const first = await connect('a');
    await connect('b');
    const shared = await hub.repos.integrations.listShared('t', 'a');
    expect(shared).toEqual(await hub.repos.integrations.list('t', 'a'));
    await hub.repos.integrations.update('t', first._id, { status: 'disabled' });
    expect((await hub.repos.integrations.listShared('t', 'a')).map((i) => i.status)).toEqual(['disabled']);
    const second = await connect('a');
    expect((await hub.repos.integrations.listShared('t', 'a')).map((i) => i._id)).toEqual([first._id, second._id]);
    await hub.repos.integrations.remove('t', 'a', first._id);
    expect((await hub.repos.integrations.listShared('t', 'a')).map((i) => i._id)).toEqual([second._id]);
    // A write straight through the repository's collection handle (as the worker's health records are) counts too.
    await hub.repos.integrations.col.updateOne({ _id: second._id }, { $set: { status: 'needs_reauth' } });
    expect((await hub.repos.integrations.listShared('t', 'a')).map((i) => i.status)).toEqual(['needs_reauth']);
    expect(await hub.repos.integrations.listShared('t', 'b')).toHaveLength(1);
    expect(await hub.repos.integrations.listShared('u', 'a')).toEqual([]);
  });

  it.runIf(target.name.startsWith('embedded'))(
    'keeps the answer in memory, frozen, until a write changes something (embedded only: the one engine that caches)',
    async () => {
      const doc = await connect('a');
      const once = await hub.repos.integrations.listShared('t', 'a');
      expect(await hub.repos.integrations.listShared('t', 'a')).toBe(once);
      expect(() => {
        (once[0] as { status: string }).status = 'disabled';
      }).toThrow(TypeError);
      // A write that matched nothing changed nothing (a busy worker's health record is mostly that).
      await hub.repos.integrations.col.findOneAndUpdate({ _id: 'int_none' }, { $set: { status: 'disabled' } });
      await hub.repos.integrations.col.updateOne({ _id: doc._id }, { $set: { status: 'connected' } });
      expect(await hub.repos.integrations.listShared('t', 'a')).toBe(once);
      await hub.repos.integrations.setStatus(doc._id, 'needs_reauth');
      const after = await hub.repos.integrations.listShared('t', 'a');
      expect(after).not.toBe(once);
      expect(after[0].status).toBe('needs_reauth');
    },
  );

  it('stays bounded: past its size the least recently used goes, and answers the same', async () => {
    const opened = await target.open();
    try {
      const cache = new ReadCache<Doc, Doc | null>(opened.engine.collection('things'), 2);
      for (const id of ['a', 'b', 'c']) await cache.collection.insertOne({ _id: id, v: id });
      let loads = 0;
      const get = (id: string) => cache.get(id, () => (loads++, cache.collection.findOne({ _id: id })));
      for (const id of ['a', 'b', 'a', 'b']) expect((await get(id))?.v).toBe(id);
      expect(loads).toBe(2);
      expect((await get('c'))?.v).toBe('c');
      expect((await get('a'))?.v).toBe('a');
      expect(loads).toBe(4);
    } finally {
      await opened.dispose();
    }
  });

  it('does not keep a read that overlapped a write', async () => {
    const opened = await target.open();
    try {
      const cache = new ReadCache<Doc, Doc | null>(opened.engine.collection('things'));
      await cache.collection.insertOne({ _id: 'x', v: 1 });
      const read = () => cache.collection.findOne({ _id: 'x' });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // The read sees v: 1, then a write lands before the read answers: what it read must not be kept.
      const slow = cache.get('x', async () => {
        const doc = await read();
        await gate;
        return doc;
      });
      await cache.collection.updateOne({ _id: 'x' }, { $set: { v: 2 } });
      release();
      expect((await slow)?.v).toBe(1);
      expect((await cache.get('x', read))?.v).toBe(2);
      // A write still running when a read starts: that read is not kept either.
      const writing = cache.collection.updateOne({ _id: 'x' }, { $set: { v: 3 } });
      const during = await cache.get('x', read);
      await writing;
      expect([2, 3]).toContain(during?.v);
      expect((await cache.get('x', read))?.v).toBe(3);
    } finally {
      await opened.dispose();
    }
  });
});
