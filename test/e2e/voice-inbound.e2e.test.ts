import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startGohighlevelSim, type GohighlevelSim } from '@hub/connector-gohighlevel/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, connectOAuth, oauthEnv, sampleCall } from '../helpers/oauth.js';
import { connectVoice, retellCall, signedPost, withRetellSim } from '../helpers/voice.js';
import type { RetellSim } from '../../connectors/retell/sim/index.js';

let hs: HubspotSim;
let ghl: GohighlevelSim;
let hub: TestHub;
let retell: RetellSim;
let voice: { integrationId: string; voiceWebhookId: string; path: string };
const AGENT = 'agent_inbound';
const KEY = 'key_inbound_test_0000000000';
const inbound = (from: string, signing?: 'valid' | 'bad' | 'stale' | 'missing') =>
  signedPost(
    hub,
    voice.path,
    { event: 'call_inbound', call_inbound: { agent_id: 'agent_sim_1', from_number: from, to_number: '+14155550000' } },
    KEY,
    signing,
  );

async function hubspotContact(properties: Record<string, string>): Promise<string> {
  const res = await fetch(`${hs.url}/crm/v3/objects/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hs.accessToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties, associations: [] }),
  });
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  hs = await startHubspotSim();
  ghl = await startGohighlevelSim();
  const env = oauthEnv(
    'hubspot',
    { baseUrl: hs.url, authorizeUrl: `${hs.url}/oauth/authorize`, tokenUrl: `${hs.url}/oauth/v1/token` },
    { clientId: 'hubspot-client', clientSecret: 'hubspot-secret' },
  );
  env.HUB_CONNECTOR_OVERRIDES = JSON.stringify({ ...JSON.parse(env.HUB_CONNECTOR_OVERRIDES), gohighlevel: { baseUrl: ghl.url } });
  const withRetell = await withRetellSim({ ...env, HUB_VOICE_LOOKUP_MS: '400' }, KEY);
  retell = withRetell.retell;
  hub = await startTestHub(withRetell.env, { connectors: ['hubspot', 'gohighlevel', 'retell'] });
  await connectOAuth(hub, hub.api, AGENT, { type: 'hubspot' });
  voice = await connectVoice(hub.api, AGENT, KEY);
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([hs?.close(), ghl?.close(), retell?.close()]);
});
afterEach(() => {
  expect(hs.violations).toEqual([]);
  expect(ghl.violations).toEqual([]);
});

describe('the caller known at hello (call_inbound on the voice hook)', () => {
  it('a caller the CRM knows gets their name, email, contact id, last call and next appointment as string variables', async () => {
    const id = await hubspotContact({ firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', phone: '+14155550111' });
    await hub.api(
      'POST',
      `/api/agents/${AGENT}/calls`,
      sampleCall('in_call_1', {
        customer_phone: '+1 (415) 555-0111',
        customer_name: 'Ada Lovelace',
        customer_email: 'ada@example.com',
        call_summary: 'Asked about gutter cleaning.',
        appointment_booked: null,
      }),
    );
    await callDone(hub.api, AGENT, 'in_call_1');
    const res = await inbound('+14155550111');
    expect(res.status).toBe(200);
    const vars = res.body.call_inbound.dynamic_variables;
    expect(vars).toEqual({
      customer_known: 'true',
      customer_name: 'Ada Lovelace',
      customer_email: 'ada@example.com',
      crm_contact_id: id,
      last_call_summary: 'Asked about gutter cleaning.',
      last_call_at: '2026-02-15T14:35:00Z',
      next_appointment: '',
    });
    expect(Object.values(vars).every((v) => typeof v === 'string')).toBe(true);
    expect(res.body.call_inbound.metadata).toMatchObject({ hub_contact_id: id });
  });

  it('an unknown caller gets every variable empty (customer_known false); a withheld number too', async () => {
    const res = await inbound('+14155550999');
    expect(res.body.call_inbound.dynamic_variables).toEqual({
      customer_known: 'false',
      customer_name: '',
      customer_email: '',
      crm_contact_id: '',
      last_call_summary: '',
      last_call_at: '',
      next_appointment: '',
    });
    const anonymous = await inbound('anonymous');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.call_inbound.dynamic_variables.customer_known).toBe('false');
  });

  it('a slow or failing CRM leaves the variables empty within the wait, never a failed call; the late answer is cached for the next ring', async () => {
    await hubspotContact({ firstname: 'Slow', lastname: 'Poke', phone: '+14155550222' });
    hs.inject({ path: '/crm/v3/objects/contacts/search', delayMs: 1500 });
    const started = Date.now();
    const slow = await inbound('+14155550222');
    expect(Date.now() - started).toBeLessThan(1400);
    expect(slow).toMatchObject({
      status: 200,
      body: { call_inbound: { dynamic_variables: { customer_known: 'false', customer_name: '' } } },
    });
    await new Promise((r) => setTimeout(r, 1300));
    const searches = hs.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search').length;
    const again = await inbound('+14155550222');
    expect(again.body.call_inbound.dynamic_variables).toMatchObject({ customer_known: 'true', customer_name: 'Slow Poke' });
    expect(hs.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search').length).toBe(searches);
    hs.inject({ path: '/crm/v3/objects/contacts/search', status: 500, times: 1 });
    const failing = await inbound('+14155550333');
    expect(failing).toMatchObject({ status: 200, body: { call_inbound: { dynamic_variables: { customer_known: 'false' } } } });
  });

  it('a missing, wrong or stale signature answers 401 and looks nothing up', async () => {
    const before = hs.requests.length;
    for (const signing of ['missing', 'bad', 'stale'] as const) expect((await inbound('+14155550111', signing)).status).toBe(401);
    expect(hs.requests.length).toBe(before);
  });

  it("find_customer looks the caller up (by the call's number or the args) without creating anyone, in HubSpot and GoHighLevel", async () => {
    const ask = (args: Record<string, unknown>, from = '+14155550111') =>
      signedPost(
        hub,
        `${voice.path}/tools/find_customer`,
        { name: 'find_customer', args, call: retellCall('call_find', { from_number: from }) },
        KEY,
      );
    const byCaller = await ask({});
    expect(byCaller.body).toMatchObject({
      found: true,
      customer: { type: 'hubspot', name: 'Ada Lovelace', email: 'ada@example.com' },
      result: 'I found Ada Lovelace, email ada@example.com.',
    });
    const byEmail = await ask({ email: 'ada@example.com' }, '+14155550999');
    expect(byEmail.body.found).toBe(true);
    const contactsBefore = hs.state.collection('contacts').size;
    const nobody = await ask({ phone: '+14155550777' });
    expect(nobody.body).toMatchObject({ found: false, result: "I couldn't find a customer with that number." });
    expect(hs.state.collection('contacts').size).toBe(contactsBefore);

    const other = 'agent_inbound_ghl';
    await hub.api('POST', `/api/agents/${other}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: ghl.token,
      config: { location_id: ghl.locationId },
    });
    const v2 = await connectVoice(hub.api, other, KEY);
    await fetch(`${ghl.url}/contacts/upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ghl.token}`, version: '2021-07-28', 'content-type': 'application/json' },
      body: JSON.stringify({
        locationId: ghl.locationId,
        phone: '+14155550444',
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
      }),
    });
    const g = await signedPost(hub, `${v2.path}/tools/find_customer`, { phone: '+1 415 555 0444' }, KEY);
    expect(g.body).toMatchObject({
      found: true,
      customer: { type: 'gohighlevel', name: 'Grace Hopper', email: 'grace@example.com', phone: '+14155550444' },
    });
    const inboundGhl = await signedPost(
      hub,
      v2.path,
      { event: 'call_inbound', call_inbound: { from_number: '+14155550444', to_number: '+14155550000' } },
      KEY,
    );
    expect(inboundGhl.body.call_inbound.dynamic_variables).toMatchObject({
      customer_known: 'true',
      customer_name: 'Grace Hopper',
      crm_contact_id: expect.any(String),
    });
  });
});
