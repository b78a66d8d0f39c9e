import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startRetellSim, type RetellSim } from '../../connectors/retell/sim/index.js';
import { eventually, startTestHub, type Api, type TestHub } from '../helpers/hub.js';
import { startReceiver } from '../helpers/receiver.js';

// Both tenants use the same agent id: only the tenant may tell their resources apart.
const AGENT = 'agent_shared';
let hub: TestHub;
let ghl: GohighlevelSim;
let retell: RetellSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let other: Api;
const a: Record<string, string> = {};
const tally: string[] = [];

const call = (id: string) => ({
  call_id: id,
  customer_name: 'Jane Smith',
  customer_phone: '+14079780655',
  call_outcome: 'message_taken',
  call_summary: 'Asked for a quote',
  duration_seconds: 120,
});

beforeAll(async () => {
  ghl = await startGohighlevelSim();
  retell = await startRetellSim();
  receiver = await startReceiver();
  hub = await startTestHub(
    {
      HUB_MAX_ATTEMPTS: '1',
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, retell: { baseUrl: retell.url } }),
    },
    { connectors: ['zapier', 'gohighlevel', 'retell'] },
  );
  const otherApi = (await hub.newTenant()).api;
  // Every request tenant B makes is tallied, for the printed matrix.
  other = async (method, path, body, headers) => {
    const res = await otherApi(method, path, body, headers);
    tally.push(`${method} ${path.split('?')[0].replace(/(int|job|imp|oc|wh|vh|ob)_[0-9a-f-]+/g, '$1_…')} ${res.status}`);
    return res;
  };
  const api = hub.api;
  // Tenant A: a CRM, a catch hook that refuses (a dead-lettered job to retry), a voice provider, outbound hooks and calls.
  a.ghl = (
    await api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: ghl.token,
      config: { location_id: ghl.locationId },
    })
  ).body.id;
  receiver.statuses.push(500);
  a.zap = (
    await api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'zapier',
      webhook_url: receiver.url('/hooks/catch/1/isolation'),
      test: false,
    })
  ).body.id;
  a.retell = (
    await api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'retell',
      api_key: retell.apiKey,
      config: { from_number: '+14155550000' },
    })
  ).body.id;
  await api('POST', `/api/agents/${AGENT}/calls`, call('call_iso_1'));
  const failed = await eventually(
    async () => {
      const r = await api('GET', `/api/agents/${AGENT}/calls/call_iso_1`);
      return r.body.integrations?.find((j: { type: string; status: string }) => j.type === 'zapier' && j.status === 'failed');
    },
    15_000,
    'the zapier job to dead-letter',
  );
  a.job = failed.job_id;
  const wh = await api('POST', `/api/agents/${AGENT}/outbound/webhooks`, { integration_id: a.ghl });
  a.webhook = wh.body.id;
  const trig = await api(
    'POST',
    `/api/agents/${AGENT}/outbound/call`,
    { phone: '+14155550123', name: 'John' },
    { 'x-webhook-secret': wh.body.secret, authorization: '' },
  );
  expect(trig.status).toBe(202);
  a.outboundCall = trig.body.outbound_call_id;
  a.voiceHook = (await api('POST', `/api/agents/${AGENT}/voice-webhooks`, { integration_id: a.retell })).body.id;
  expect(Object.values(a).every(Boolean)).toBe(true);
});
afterAll(async () => {
  const statuses = tally.reduce<Record<string, number>>(
    (acc, line) => ((acc[line.split(' ').pop()!] = (acc[line.split(' ').pop()!] ?? 0) + 1), acc),
    {},
  );
  console.log(
    `[proof isolation] ${tally.length} requests by tenant B at tenant A's resources (same agent id), answers by status ${JSON.stringify(statuses)}; none returned A's data (each asserted above):\n  ${[...new Set(tally)].join('\n  ')}`,
  );
  await hub?.close();
  await ghl?.close();
  await retell?.close();
  await receiver?.close();
});

describe("tenant isolation: another tenant's ids answer 404 and nothing of theirs is listed", () => {
  it('integrations: list, get, put, delete, test', async () => {
    expect((await other('GET', `/api/agents/${AGENT}/integrations`)).body).toEqual({ integrations: [] });
    for (const id of [a.ghl, a.zap, a.retell]) {
      expect((await other('GET', `/api/agents/${AGENT}/integrations/${id}`)).status).toBe(404);
      expect((await other('PUT', `/api/agents/${AGENT}/integrations/${id}`, { name: 'mine now' })).status).toBe(404);
      expect((await other('POST', `/api/agents/${AGENT}/integrations/${id}/test`)).status).toBe(404);
      expect((await other('DELETE', `/api/agents/${AGENT}/integrations/${id}`)).status).toBe(404);
    }
    expect((await hub.api('GET', `/api/agents/${AGENT}/integrations`)).body.integrations).toHaveLength(3);
  });

  it('calls, sync logs, retries and stats', async () => {
    expect((await other('GET', `/api/agents/${AGENT}/calls/call_iso_1`)).status).toBe(404);
    expect((await other('GET', `/api/agents/${AGENT}/sync-logs`)).body).toEqual({ logs: [] });
    expect((await other('GET', `/api/agents/${AGENT}/sync-logs?integration_id=${a.zap}`)).body).toEqual({ logs: [] });
    expect((await other('POST', `/api/agents/${AGENT}/sync-jobs/${a.job}/retry`)).status).toBe(404);
    expect((await other('GET', '/api/stats/sync')).body.types).toEqual([]);
    // The same call_id from the other tenant is their own call, not a duplicate of A's, and syncs to none of A's CRMs.
    const theirs = await other('POST', `/api/agents/${AGENT}/calls`, call('call_iso_1'));
    expect(theirs.body).toMatchObject({ duplicate: false, jobs: [] });
    expect(
      (await hub.api('GET', '/api/stats/sync')).body.types.map((t: { integration_type: string }) => t.integration_type).sort(),
    ).toEqual(['gohighlevel', 'retell', 'zapier']);
    // A can still retry its own job.
    expect((await hub.api('POST', `/api/agents/${AGENT}/sync-jobs/${a.job}/retry`)).status).toBe(202);
  });

  it('availability and booking by id or by type', async () => {
    for (const ref of [a.ghl, 'gohighlevel']) {
      expect((await other('GET', `/api/agents/${AGENT}/integrations/${ref}/availability?date=2030-03-04&timezone=UTC`)).status).toBe(404);
      expect(
        (
          await other('POST', `/api/agents/${AGENT}/integrations/${ref}/book`, {
            title: 'x',
            date: '2030-03-04',
            time: '10:00',
            timezone: 'UTC',
            durationMinutes: 30,
          })
        ).status,
      ).toBe(404);
    }
  });

  it('outbound webhooks, outbound calls and voice webhooks', async () => {
    expect((await other('GET', `/api/agents/${AGENT}/outbound/webhooks`)).body).toEqual({ webhooks: [] });
    expect((await other('DELETE', `/api/agents/${AGENT}/outbound/webhooks/${a.webhook}`)).status).toBe(404);
    expect((await other('GET', `/api/agents/${AGENT}/outbound/calls/${a.outboundCall}`)).status).toBe(404);
    expect((await other('GET', `/api/agents/${AGENT}/voice-webhooks`)).body).toEqual({ webhooks: [] });
    expect((await other('DELETE', `/api/agents/${AGENT}/voice-webhooks/${a.voiceHook}`)).status).toBe(404);
    // Naming A's integrations in a new webhook or voice hook is refused as if they did not exist.
    const borrowed = await other('POST', `/api/agents/${AGENT}/outbound/webhooks`, {
      integration_id: a.ghl,
      voice_integration_id: a.retell,
    });
    expect([400, 404]).toContain(borrowed.status);
    expect([400, 404]).toContain((await other('POST', `/api/agents/${AGENT}/voice-webhooks`, { integration_id: a.retell })).status);
    expect((await hub.api('GET', `/api/agents/${AGENT}/outbound/webhooks`)).body.webhooks).toHaveLength(1);
    expect((await hub.api('GET', `/api/agents/${AGENT}/voice-webhooks`)).body.webhooks).toHaveLength(1);
    expect((await hub.api('GET', `/api/agents/${AGENT}/outbound/calls/${a.outboundCall}`)).status).toBe(200);
  });

  it('bulk imports, integration health and the health webhook', async () => {
    const imp = await hub.api('POST', `/api/agents/${AGENT}/calls/bulk`, [call('call_iso_bulk')]);
    expect(imp.status).toBe(202);
    expect((await other('GET', `/api/agents/${AGENT}/imports/${imp.body.import_id}`)).status).toBe(404);
    expect((await hub.api('PUT', '/api/health-webhook', { url: receiver.url('/health/a-secret-path') })).status).toBe(200);
    expect((await other('GET', '/api/health-webhook')).body).toEqual({ configured: false });
    expect((await other('DELETE', '/api/health-webhook')).status).toBe(204);
    expect((await hub.api('GET', '/api/health-webhook')).body.configured).toBe(true);
    // B's own bulk import of A's call ids stores B's calls and queues nothing on A's integrations.
    const theirs = await other('POST', `/api/agents/${AGENT}/calls/bulk`, [call('call_iso_bulk')]);
    expect(theirs.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await other('GET', `/api/agents/${AGENT}/imports/${theirs.body.import_id}`)).body.jobs.total).toBe(0);
  });

  it('without an API key, or with a wrong one, /api routes answer 401', async () => {
    for (const path of [
      `/api/agents/${AGENT}/integrations`,
      `/api/agents/${AGENT}/sync-logs`,
      '/api/stats/sync',
      `/api/agents/${AGENT}/outbound/webhooks`,
    ]) {
      expect((await fetch(`${hub.url}${path}`)).status).toBe(401);
      expect((await fetch(`${hub.url}${path}`, { headers: { authorization: 'Bearer hub_sk_not_a_key' } })).status).toBe(401);
    }
  });
});
