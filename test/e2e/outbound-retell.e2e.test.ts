import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyCallback } from '@hub/core';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { signRetellBody, startRetellSim, type RetellSim } from '../../connectors/retell/sim/index.js';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { startReceiver } from '../helpers/receiver.js';

let hub: TestHub;
let ghl: GohighlevelSim;
let retell: RetellSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const FROM = '+14155550000';
const WAIT_MS = 400;

interface Agent {
  id: string;
  ghlId: string;
  retellId: string;
  hookUrl: string;
  secret: string;
  signingSecret: string;
}

/** Connects GoHighLevel and Retell to an agent, points Retell at the hub, and makes a trigger webhook bound to GoHighLevel. */
async function setupAgent(id: string, webhook: Record<string, unknown> = {}): Promise<Agent> {
  const g = await hub.api('POST', `/api/agents/${id}/integrations/connect`, {
    type: 'gohighlevel',
    api_key: ghl.token,
    config: { location_id: ghl.locationId },
  });
  const r = await hub.api('POST', `/api/agents/${id}/integrations/connect`, {
    type: 'retell',
    api_key: retell.apiKey,
    config: { from_number: FROM, agent_id: 'agent_sim_1' },
  });
  expect([g.status, r.status]).toEqual([201, 201]);
  const vh = await hub.api('POST', `/api/agents/${id}/voice-webhooks`, { integration_id: r.body.id });
  expect(vh.status).toBe(201);
  // URLs are built from HUB_PUBLIC_URL; the test hub listens on a port chosen after start, so only the path is checked.
  const hookUrl = `${hub.url}${new URL(vh.body.url).pathname}`;
  expect(hookUrl).toMatch(/\/webhooks\/retell\/vh_[\w-]{24}$/);
  retell.setWebhookUrl(hookUrl);
  const wh = await hub.api('POST', `/api/agents/${id}/outbound/webhooks`, { integration_id: g.body.id, ...webhook });
  expect(wh.status).toBe(201);
  expect(new URL(wh.body.url).pathname).toBe(`/api/agents/${id}/outbound/call`);
  expect(Object.keys(wh.body).sort()).toEqual([
    'agent_id',
    'created_at',
    'id',
    'integration_id',
    'name',
    'rate_limit',
    'secret',
    'signing_secret',
    'url',
    'voice_integration_id',
  ]);
  return { id, ghlId: g.body.id, retellId: r.body.id, hookUrl, secret: wh.body.secret, signingSecret: wh.body.signing_secret };
}

const trigger = (a: Agent, body: unknown, headers: Record<string, string> = {}) =>
  hub.api('POST', `/api/agents/${a.id}/outbound/call`, body, { 'x-webhook-secret': a.secret, authorization: '', ...headers });

async function ghlContact(phone: string, firstName: string): Promise<string> {
  const res = await fetch(`${ghl.url}/contacts/upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ghl.token}`, version: '2021-07-28', 'content-type': 'application/json' },
    body: JSON.stringify({ locationId: ghl.locationId, phone, firstName, lastName: 'Doe' }),
  });
  return ((await res.json()) as { contact: { id: string } }).contact.id;
}

const outboundCall = (a: Agent, id: string) => hub.api('GET', `/api/agents/${a.id}/outbound/calls/${id}`);
const settled = (a: Agent, id: string) =>
  eventually(
    async () => {
      const r = await outboundCall(a, id);
      return (
        r.body.state === 'synced' &&
        r.body.sync.length > 0 &&
        r.body.sync.every((s: { status: string }) => s.status === 'succeeded') &&
        r.body
      );
    },
    15_000,
    `outbound call ${id} to sync`,
  );

beforeAll(async () => {
  ghl = await startGohighlevelSim();
  retell = await startRetellSim({ webhookRetryDelayMs: 10 });
  receiver = await startReceiver();
  hub = await startTestHub({
    HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, retell: { baseUrl: retell.url } }),
    HUB_RETELL_ANALYSIS_WAIT_MS: String(WAIT_MS),
  });
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([ghl?.close(), retell?.close(), receiver?.close()]);
});
beforeEach(() => {
  retell.configure({ signature: 'valid', skipAnalyzed: false, script: undefined });
  receiver.got.length = 0;
});

describe('outbound loop: CRM workflow webhook → Retell call → result on the same CRM contact', () => {
  it('a GoHighLevel workflow webhook places the call, and the analysis becomes a note on the contact it came from plus a signed callback', async () => {
    const a = await setupAgent('agent_out_1');
    const contactId = await ghlContact('+14155550123', 'John');
    const upsertsBefore = ghl.requests.filter((r) => r.path.startsWith('/contacts/upsert')).length;
    retell.configure({
      script: () => ({
        call_analysis: {
          call_summary: 'John confirmed Tuesday.',
          user_sentiment: 'Positive',
          custom_analysis_data: { call_outcome: 'confirmed' },
        },
      }),
    });

    const res = await trigger(a, { phone: '+14155550123', name: 'John Doe', contact_id: contactId, callback_url: receiver.url() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'queued', duplicate: false });
    const done = await settled(a, res.body.outbound_call_id);
    expect(done.history.map((h: { state: string }) => h.state)).toEqual([
      'queued',
      'dialing',
      'in_progress',
      'ended',
      'analyzed',
      'synced',
    ]);
    const placed = retell.calls.get(done.retell_call_id)!;
    expect(placed).toMatchObject({
      to_number: '+14155550123',
      from_number: FROM,
      metadata: { hub_outbound_call_id: res.body.outbound_call_id, hub_integration_id: a.ghlId, hub_contact_id: contactId },
    });
    expect(placed.retell_llm_dynamic_variables).toEqual({ customer_name: 'John Doe', customer_phone: '+14155550123' });

    // The note is on the contact the workflow named; no contact was searched for, upserted or made.
    expect(ghl.contacts.size).toBe(1);
    expect(ghl.requests.filter((r) => r.path.startsWith('/contacts/upsert')).length).toBe(upsertsBefore);
    const notes = ghl.notes.all();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ contactId });
    expect(String(notes[0].body)).toContain('John confirmed Tuesday.');
    expect(String(notes[0].body)).toContain('AI phone call (outbound: the agent called the customer)');

    const cb = await eventually(async () => receiver.got[0], 10_000, 'the callback');
    expect(verifyCallback(a.signingSecret, cb.raw, String(cb.headers['x-hub-signature']))).toBe(true);
    expect(verifyCallback('whsign_wrong', cb.raw, String(cb.headers['x-hub-signature']))).toBe(false);
    expect(cb.headers['idempotency-key']).toMatch(/^job_/);
    expect(cb.headers['idempotency-key']).toBe(cb.headers['x-hub-delivery']);
    expect(JSON.parse(cb.raw)).toMatchObject({
      event: 'outbound_call.completed',
      outbound_call_id: res.body.outbound_call_id,
      status: 'synced',
      contact_id: contactId,
      provider_call_id: done.retell_call_id,
      call: {
        call_id: done.retell_call_id,
        call_summary: 'John confirmed Tuesday.',
        call_sentiment: 'positive',
        call_outcome: 'confirmed',
        customer_phone: '+14155550123',
      },
    });
    expect((await outboundCall(a, res.body.outbound_call_id)).body.callback).toMatchObject({
      delivered_at: expect.any(String),
      error: null,
    });
    expect(ghl.violations).toEqual([]);
    expect(retell.violations).toEqual([]);
    const logs = hub.logs.join('\n');
    for (const secret of [a.secret, a.signingSecret, retell.apiKey, ghl.token]) expect(logs).not.toContain(secret);
  });

  it('the original spec curl works as written, and a repeated delivery places no second call', async () => {
    const a = await setupAgent('agent_out_2');
    const body = { phone: '+14079780655', contact_name: 'John Doe', contact_data: { email: 'john@example.com', address: '123 Main St' } };
    const first = await trigger(a, body);
    expect(first.status).toBe(202);
    const again = await trigger(a, JSON.stringify(body, null, 2)); // same content, other bytes
    expect(again.body).toEqual({ outbound_call_id: first.body.outbound_call_id, state: expect.any(String), duplicate: true });
    const done = await settled(a, first.body.outbound_call_id);
    expect(retell.calls.find((c) => c.to_number === '+14079780655')).toHaveLength(1);
    expect(retell.calls.get(done.retell_call_id)!.retell_llm_dynamic_variables).toEqual({
      email: 'john@example.com',
      address: '123 Main St',
      customer_name: 'John Doe',
      customer_phone: '+14079780655',
    });
    // No contact was named, so GoHighLevel's upsert found or made the contact by phone, with the email the agent had.
    expect(ghl.contacts.find((c) => c.phone === '+14079780655')[0]).toMatchObject({ email: 'john@example.com' });

    const k1 = await trigger(a, { phone: '+14079780656' }, { 'idempotency-key': 'ghl-exec-42' });
    const k2 = await trigger(a, { phone: '+14079780656', name: 'changed' }, { 'idempotency-key': 'ghl-exec-42' });
    expect(k2.body).toMatchObject({ outbound_call_id: k1.body.outbound_call_id, duplicate: true });
    await settled(a, k1.body.outbound_call_id);
    expect(retell.calls.find((c) => c.to_number === '+14079780656')).toHaveLength(1);
    expect(retell.violations).toEqual([]);
  });

  it("lists the agent's outbound calls newest first with their states, by state; bad filters name the field; other tenants see none", async () => {
    const a = await setupAgent('agent_out_list');
    const first = await trigger(a, { phone: '+14079780661', contact_name: 'First' });
    await settled(a, first.body.outbound_call_id);
    const second = await trigger(a, { phone: '+14079780662', contact_name: 'Second' });
    const list = await hub.api('GET', `/api/agents/${a.id}/outbound/calls`);
    expect(list.status).toBe(200);
    expect(list.body.calls.map((c: { id: string }) => c.id)).toEqual([second.body.outbound_call_id, first.body.outbound_call_id]);
    expect(list.body.calls[1]).toMatchObject({ state: 'synced', phone: '+14079780661', contact_name: 'First' });
    expect(list.body.calls[1].history.map((h: { state: string }) => h.state)).toContain('dialing');
    // Every listed call is named by its provider too, the voice integration's type read once for the list.
    expect(list.body.calls[1].retell_call_id).toBe(list.body.calls[1].provider_call_id);
    expect(list.body.calls[1].retell_call_id).toEqual(expect.any(String));
    const synced = await hub.api('GET', `/api/agents/${a.id}/outbound/calls?state=synced&limit=5`);
    expect(synced.body.calls.map((c: { id: string }) => c.id)).toContain(first.body.outbound_call_id);
    expect(synced.body.calls.every((c: { state: string }) => c.state === 'synced')).toBe(true);
    const bad = await hub.api('GET', `/api/agents/${a.id}/outbound/calls?state=ringing`);
    expect([bad.status, bad.body.field]).toEqual([400, 'querystring.state']);
    expect((await hub.api('GET', `/api/agents/${a.id}/outbound/calls?limit=0`)).body.field).toBe('querystring.limit');
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/${a.id}/outbound/calls`)).body.calls).toEqual([]);
    await settled(a, second.body.outbound_call_id);
  });
});

describe('refusals: 4xx, and nothing placed or synced', () => {
  it('a wrong or missing secret, a malformed phone, an unsafe callback_url, a full rate window', async () => {
    const a = await setupAgent('agent_out_3', { rate_limit: { requests: 6, per_seconds: 60 } });
    const before = retell.calls.size;
    expect((await trigger(a, { phone: '+14155550123' }, { 'x-webhook-secret': `${a.secret}x` })).status).toBe(401);
    expect((await trigger(a, { phone: '+14155550123' }, { 'x-webhook-secret': '' })).status).toBe(401);
    const other = await setupAgent('agent_out_3b');
    expect((await trigger(a, { phone: '+14155550123' }, { 'x-webhook-secret': other.secret })).status).toBe(401);
    for (const phone of ['4155550123', '+1 415 555', 'call me', '+999999999999', 42]) {
      const bad = await trigger(a, { phone, name: 'X' });
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('phone');
    }
    const missing = await trigger(a, { name: 'X' });
    expect([missing.status, missing.body.field]).toEqual([400, 'phone']);
    const limited = await trigger(a, { phone: '+14155550123' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(retell.calls.size).toBe(before);
    expect((await hub.api('GET', `/api/agents/${a.id}/outbound/calls/obc_nope`)).status).toBe(404);
  });

  it('refuses an unsafe callback_url when private URLs are not allowed', async () => {
    const strict = await startTestHub(
      { HUB_ALLOW_PRIVATE_URLS: '0', HUB_CONNECTOR_OVERRIDES: JSON.stringify({ retell: { baseUrl: retell.url } }) },
      { connectors: ['retell'] },
    );
    try {
      const r = await strict.api('POST', '/api/agents/ag/integrations/connect', {
        type: 'retell',
        api_key: retell.apiKey,
        config: { from_number: FROM },
      });
      const wh = await strict.api('POST', '/api/agents/ag/outbound/webhooks', {});
      expect([r.status, wh.status]).toEqual([201, 201]);
      for (const url of ['http://127.0.0.1:9/x', 'https://169.254.169.254/latest', 'https://localhost/cb', 'ftp://example.com/']) {
        const res = await strict.api(
          'POST',
          '/api/agents/ag/outbound/call',
          { phone: '+14155550123', callback_url: url },
          { 'x-webhook-secret': wh.body.secret, authorization: '' },
        );
        expect([res.status, res.body.field]).toEqual([400, 'callback_url']);
      }
    } finally {
      await strict.close();
    }
  });

  it('events with a bad signature or an old timestamp answer 401 and sync nothing', async () => {
    const a = await setupAgent('agent_out_4');
    const notesBefore = ghl.notes.size;
    for (const mode of ['bad', 'stale'] as const) {
      retell.configure({ signature: mode });
      const res = await trigger(a, { phone: '+14155550199', name: `Mode ${mode}` });
      const id = res.body.outbound_call_id;
      const placed = await eventually(async () => retell.calls.find((c) => c.metadata?.hub_outbound_call_id === id)[0], 10_000, 'the call');
      await retell.settle(placed.call_id);
      const deliveries = retell.deliveries.filter((d) => d.callId === placed.call_id);
      expect(deliveries.length).toBeGreaterThan(0);
      expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set([401]));
      expect((await outboundCall(a, id)).body).toMatchObject({ state: 'dialing', sync: [] });
    }
    expect(ghl.notes.size).toBe(notesBefore);
    const forged = JSON.stringify({
      event: 'call_analyzed',
      call: { call_id: 'forged', to_number: '+14155550100', direction: 'outbound', call_analysis: { call_summary: 'x' } },
    });
    const post = (sig: string) =>
      fetch(a.hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-retell-signature': sig }, body: forged });
    expect((await post(signRetellBody('key_guess', forged, Date.now()))).status).toBe(401);
    expect((await post('v=1,d=00')).status).toBe(401);
    expect(
      (
        await fetch(a.hookUrl.replace(/vh_[^/]+$/, 'vh_unknown'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-retell-signature': signRetellBody(retell.apiKey, forged, Date.now()) },
          body: forged,
        })
      ).status,
    ).toBe(404);
    expect((await hub.api('GET', `/api/agents/${a.id}/calls/forged`)).status).toBe(404);
  });
});

describe('Retell call webhooks', () => {
  it('call_ended without analysis syncs what it has after the wait; a late call_analyzed does not sync twice', async () => {
    const a = await setupAgent('agent_out_5');
    retell.configure({ skipAnalyzed: true });
    const res = await trigger(a, { phone: '+14155550177', name: 'Late Analysis' });
    const t0 = Date.now();
    const done = await settled(a, res.body.outbound_call_id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(WAIT_MS);
    expect(done.history.map((h: { state: string }) => h.state)).toEqual(['queued', 'dialing', 'in_progress', 'ended', 'synced']);
    const contact = ghl.contacts.find((c) => c.phone === '+14155550177')[0];
    const notesFor = () => ghl.notes.find((n) => n.contactId === contact.id);
    expect(notesFor()).toHaveLength(1);
    // What call_ended had: duration and recording, no summary yet.
    expect(String(notesFor()[0].body)).toMatch(/Duration: 0m 42s[\s\S]*Recording \(the voice platform's link, which expires\): http/);

    const call = { ...retell.calls.get(done.retell_call_id)!, call_analysis: { call_summary: 'Too late.', user_sentiment: 'Neutral' } };
    delete (call as { id?: string }).id;
    const body = JSON.stringify({ event: 'call_analyzed', call });
    const late = await fetch(a.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': signRetellBody(retell.apiKey, body, Date.now()) },
      body,
    });
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ event: 'analyzed', action: 'already synced', outbound_call_id: res.body.outbound_call_id });
    // The replay of that same signed delivery is just as harmless.
    await new Promise((r) => setTimeout(r, 300));
    expect(notesFor()).toHaveLength(1);
    expect(String(notesFor()[0].body)).not.toContain('Too late.');
    expect((await outboundCall(a, res.body.outbound_call_id)).body.state).toBe('synced');
  });

  it('an unanswered call syncs at once, with the dial failure as its outcome', async () => {
    const a = await setupAgent('agent_out_7');
    retell.configure({ script: () => ({ outcome: 'not_connected', disconnection_reason: 'dial_no_answer' }) });
    const res = await trigger(a, { phone: '+14155550155', name: 'Nobody Home', callback_url: receiver.url('/missed') });
    const done = await settled(a, res.body.outbound_call_id);
    expect(done.history.map((h: { state: string }) => h.state)).toEqual(['queued', 'dialing', 'ended', 'synced']);
    expect(done.sync.map((s: { type: string }) => s.type)).toEqual(['gohighlevel']);
    const cb = await eventually(async () => receiver.got.find((g) => g.path === '/missed'), 10_000, 'the callback');
    expect(JSON.parse(cb.raw).call).toMatchObject({
      call_outcome: 'not_connected',
      disconnection_reason: 'dial_no_answer',
      call_summary: null,
      direction: 'outbound',
    });
    // The CRM shows the attempt in words: an outbound call nobody answered.
    const note = ghl.notes.all().find((n) => String(n.body).includes(done.retell_call_id));
    expect(String(note?.body)).toContain('outbound');
    expect(String(note?.body)).toContain('Result: no answer (dial_no_answer)');
  });

  it('an inbound Retell call (not placed by the hub) goes through the normal sync pipeline', async () => {
    const a = await setupAgent('agent_out_6');
    const call = {
      call_type: 'phone_call',
      call_id: 'inbound_call_1',
      agent_id: 'agent_sim_1',
      agent_version: 1,
      call_status: 'ended',
      direction: 'inbound',
      from_number: '+14155550166',
      to_number: FROM,
      start_timestamp: Date.now() - 60_000,
      end_timestamp: Date.now(),
      duration_ms: 60_000,
      transcript: 'User: I need a plumber',
      call_analysis: {
        call_summary: 'Wants a plumber.',
        user_sentiment: 'Negative',
        custom_analysis_data: { customer_name: 'Ada Inbound' },
      },
    };
    const body = JSON.stringify({ event: 'call_analyzed', call });
    const res = await fetch(a.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': signRetellBody(retell.apiKey, body, Date.now()) },
      body,
    });
    expect([res.status, (await res.json()).action]).toEqual([200, 'synced']);
    const status = await eventually(
      async () => {
        const r = await hub.api('GET', `/api/agents/${a.id}/calls/inbound_call_1`);
        const g = r.body.integrations?.find((i: { type: string }) => i.type === 'gohighlevel');
        return g?.status === 'succeeded' && g;
      },
      10_000,
      'the inbound call to sync',
    );
    expect(status.steps.map((s: { name: string }) => s.name)).toContain('note');
    const note = ghl.notes.all().find((n) => String(n.body).includes('inbound_call_1'));
    expect(String(note?.body)).not.toContain('outbound');
    expect(ghl.contacts.find((c) => c.phone === '+14155550166')[0]).toMatchObject({ firstName: 'Ada' });
  });
});
