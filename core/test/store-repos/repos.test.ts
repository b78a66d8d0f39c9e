import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '@hub/store/testing';
import { hubOnEngine } from './hub-on-engine.js';
import { HubServices } from '../../src/services.js';
import { normalizeCall } from '../../src/sync/call-data.js';
import { syncStats, syncCounts } from '../../src/hub/calls-service.js';

describe.each(testEngines())('repositories on $name', (target) => {
  let hub: HubServices;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ hub, dispose } = await hubOnEngine(target));
  });
  afterEach(() => dispose());

  it('contact links: the phone key wins over the email key whatever order they were stored in', async () => {
    await hub.repos.links.remember('t', 'int_1', ['email:ann@x.test'], { id: 'by-email' });
    await hub.repos.links.remember('t', 'int_1', ['phone:+14155550100'], { id: 'by-phone' });
    expect(await hub.repos.links.find('int_1', ['phone:+14155550100', 'email:ann@x.test'])).toEqual({ id: 'by-phone' });
    expect(await hub.repos.links.find('int_1', ['email:ann@x.test', 'phone:+14155550100'])).toEqual({ id: 'by-email' });
  });

  it('stores CRM answers with $-prefixed keys in contact links and sync logs, and reads them back as they were', async () => {
    const contact = { id: 'c1', $meta: { 'a.b': 1 } };
    await hub.repos.links.remember('t', 'int_1', ['phone:+1'], contact);
    expect(await hub.repos.links.find('int_1', ['phone:+1'])).toEqual(contact);
    await hub.repos.syncLogs.add({
      tenantId: 't',
      agentId: 'a',
      integrationId: 'int_1',
      type: 'x',
      jobId: 'j',
      callId: 'c',
      step: 'contact',
      status: 'success',
      attempt: 1,
      durationMs: 1,
      crmIds: contact,
      requests: [],
    });
    expect((await hub.repos.syncLogs.list({ tenantId: 't' }))[0].crmIds).toEqual(contact);
  });

  it('calls: stored once; the latest call from a phone', async () => {
    const first = await hub.repos.calls.record(
      't',
      'a',
      normalizeCall({ call_id: 'c1', customer_phone: '+14155550100' }, 'a'),
      '2026-01-01T00:00:00.000Z',
    );
    const again = await hub.repos.calls.record('t', 'a', normalizeCall({ call_id: 'c1', customer_phone: '+14155550100' }, 'a'));
    expect(again).toMatchObject({ created: false, call: { _id: first.call._id } });
    await hub.repos.calls.record(
      't',
      'a',
      normalizeCall({ call_id: 'c2', customer_phone: '+14155550100' }, 'a'),
      '2026-01-02T00:00:00.000Z',
    );
    expect((await hub.repos.calls.lastFromPhone('t', 'a', '+14155550100'))?.callId).toBe('c2');
    expect(await hub.repos.calls.lastFromPhone('other', 'a', '+14155550100')).toBeNull();
  });

  it('sync counts and stats are counted by the store, per tenant', async () => {
    const a = await hub.repos.integrations.create({
      tenantId: 't',
      agentId: 'a1',
      type: 'zapier',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
    });
    await hub.repos.integrations.create({
      tenantId: 't',
      agentId: 'a2',
      type: 'zapier',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
    });
    await hub.repos.integrations.create({
      tenantId: 't',
      agentId: 'a1',
      type: 'hubspot',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
    });
    const outcomes = ['succeeded', 'succeeded', 'failed', 'queued'] as const;
    for (const [i, status] of outcomes.entries()) {
      const { job } = await hub.queue.enqueue({ tenantId: 't', agentId: 'a1', callId: `c${i}`, integrationId: a._id, type: 'zapier' });
      await hub.queue.col.updateOne({ _id: job._id }, { $set: { status, finishedAt: new Date().toISOString() } });
    }
    await hub.queue.enqueue({ tenantId: 'other', agentId: 'a1', callId: 'c9', integrationId: a._id, type: 'zapier' });
    expect(await syncCounts(hub, 't', a._id)).toEqual({ total_syncs: 3, successful_syncs: 2, failed_syncs: 1 });
    expect(await syncStats(hub, 't')).toEqual([
      {
        integration_type: 'zapier',
        agents_connected: 2,
        total_syncs: 3,
        successful_syncs: 2,
        failed_syncs: 1,
        success_rate_percent: 66.67,
      },
      {
        integration_type: 'hubspot',
        agents_connected: 1,
        total_syncs: 0,
        successful_syncs: 0,
        failed_syncs: 0,
        success_rate_percent: null,
      },
    ]);
  });
});
