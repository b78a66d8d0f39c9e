import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '@hub/connector-gohighlevel/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { connectVoice, signedPost, withRetellSim } from '../helpers/voice.js';
import type { RetellSim } from '../../connectors/retell/sim/index.js';

// The first ring of a caller the CRM knows, while the same connection drains a sync backlog. The
// connection's window is shrunk to 20 requests per 2 s (GoHighLevel's own is 100 per 10 s) so the
// backlog outlasts several windows within the test: 20 queued calls are about 70 requests.
const WINDOW = { requests: 20, perMs: 2000 };
const AGENT = 'agent_backlog';
const KEY = 'key_backlog_test_00000000000';
const known = (i: number) => `+1415556${String(2000 + i).padStart(4, '0')}`;

let ghl: GohighlevelSim;
let retell: RetellSim;
let hub: TestHub;
let voicePath: string;

beforeAll(async () => {
  ghl = await startGohighlevelSim();
  const withRetell = await withRetellSim(
    { HUB_VOICE_LOOKUP_MS: '700', HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url, rateLimit: WINDOW } }) },
    KEY,
  );
  retell = withRetell.retell;
  hub = await startTestHub(withRetell.env, { connectors: ['gohighlevel', 'retell'] });
  const connect = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
    type: 'gohighlevel',
    api_key: ghl.token,
    config: { location_id: ghl.locationId, calendar_id: 'cal_sim_1', user_id: 'user_sim_1' },
  });
  expect(connect.status).toBe(201);
  voicePath = (await connectVoice(hub.api, AGENT, KEY)).path;
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([ghl?.close(), retell?.close()]);
});

describe('a live lookup beside a sync backlog on the same connection', () => {
  it('finds a known caller at every first ring, while queued syncs wait their turn and nothing exceeds the window', async () => {
    for (let i = 0; i < 5; i++)
      ghl.contacts.insert({ id: `known_${i}`, locationId: ghl.locationId, phone: known(i), firstName: `Known${i}` });
    for (let i = 0; i < 20; i++) {
      const posted = await hub.api('POST', `/api/agents/${AGENT}/calls`, {
        call_id: `backlog_${i}`,
        customer_name: 'Queued Caller',
        customer_phone: `+1415557${String(2000 + i).padStart(4, '0')}`,
        call_outcome: 'message_taken',
        call_summary: 'Queued behind the test',
      });
      expect(posted.status).toBe(202);
    }
    // Into the backlog's first window: a backlog sent as fast as the window allows would have spent it by now.
    await new Promise((r) => setTimeout(r, 600));
    for (let i = 0; i < 5; i++) {
      const ring = await signedPost(
        hub,
        voicePath,
        { event: 'call_inbound', call_inbound: { from_number: known(i), to_number: '+14155550000' } },
        KEY,
      );
      expect(ring.status).toBe(200);
      expect(ring.body.call_inbound.dynamic_variables).toMatchObject({ customer_known: 'true', customer_name: `Known${i}` });
      await new Promise((r) => setTimeout(r, 150));
    }
    const queued = await hub.api('GET', `/api/agents/${AGENT}/calls/backlog_19`);
    expect(queued.body.integrations[0].status).not.toBe('succeeded');
    // The hub never sent more than the window allows (the simulator's own 100 per 10 s were not reached either).
    const sent = ghl.requests.map((r) => r.at).sort((a, b) => a - b);
    const busiest = Math.max(...sent.map((t) => sent.filter((u) => u >= t && u < t + WINDOW.perMs).length));
    expect(busiest).toBeLessThanOrEqual(WINDOW.requests);
    expect(ghl.violations).toEqual([]);
  });
});
