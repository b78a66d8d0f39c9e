import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, authorize, callDone, connectOAuth, oauthEnv, sampleCall } from '../helpers/oauth.js';
import { expectNoSecretsLogged } from '../helpers/oauth.js';

let sim: HubspotSim;
let hub: TestHub;
const AGENT = 'agent_hs';
const config = { pipeline_id: 'default', default_stage_id: 'appointmentscheduled', workflow_id: '77' };
const count = (type: string) => sim.state.collection(type).size;

beforeAll(async () => {
  sim = await startHubspotSim({ searchPerSecond: 100, searchIndexLagMs: 2000 });
  hub = await startTestHub(
    oauthEnv(
      'hubspot',
      { baseUrl: sim.url, authorizeUrl: `${sim.url}/oauth/authorize`, tokenUrl: `${sim.url}/oauth/v1/token` },
      { clientId: 'hubspot-client', clientSecret: 'hubspot-secret' },
    ),
    { connectors: ['hubspot'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
afterEach(() => {
  expect(sim.violations).toEqual([]);
});

describe('HubSpot end to end', () => {
  it('connect → consent → callback → a call makes contact, note, call with recording, meeting, deal and enrollment; a repeat makes nothing new', async () => {
    const { id, authorizeUrl } = await connectOAuth(hub, hub.api, AGENT, { type: 'hubspot', config });
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/integrations/hubspot/callback`);
    expect(authorizeUrl.searchParams.get('scope')).toContain('crm.objects.contacts.write');
    const view = await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`);
    expect(view.body).toMatchObject({ status: 'connected', credentials_set: true });
    expect(JSON.stringify(view.body)).not.toMatch(/access_token|refresh_token|rt-|at-/);

    expect((await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('hs_call_1'))).status).toBe(202);
    const done = await callDone(hub.api, AGENT, 'hs_call_1');
    expect(done.integrations[0]).toMatchObject({ status: 'succeeded' });
    expect(done.integrations[0].steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'note:succeeded',
      'callLog:succeeded',
      'appointment:succeeded',
      'workflow:succeeded',
      'opportunity:succeeded',
    ]);
    const contact = sim.state.collection<{ id: string; properties: Record<string, string> }>('contacts').all()[0];
    expect(contact.properties).toMatchObject({ email: 'jane@example.com', firstname: 'Jane', lastname: 'Smith', phone: '+14079780655' });
    const call = sim.state.collection<{ properties: Record<string, string> }>('calls').all()[0];
    expect(call.properties).toMatchObject({
      hs_call_recording_url: 'https://recordings.example.com/call_abc123.mp3',
      hs_call_duration: '300000',
      hs_call_direction: 'INBOUND',
      hs_call_status: 'COMPLETED',
      hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      hs_call_from_number: '+14079780655',
    });
    // recordings.example.com cannot be fetched, so HubSpot could not copy it: the link stays, its expiry said.
    expect(call.properties.hs_call_body).toContain(
      'Recording link from the voice platform (it expires): https://recordings.example.com/call_abc123.mp3',
    );
    const meeting = sim.state.collection<{ properties: Record<string, string> }>('meetings').all()[0];
    expect(meeting.properties.hs_meeting_start_time).toBe('2026-02-20T19:00:00Z');
    const deal = sim.state.collection<{ properties: Record<string, string> }>('deals').all()[0];
    expect(deal.properties).toMatchObject({ pipeline: 'default', dealstage: 'appointmentscheduled' });
    expect(sim.state.collection('enrollments').all()).toMatchObject([{ workflowId: '77', contactId: contact.id }]);
    const assoc = sim.state
      .collection<{ fromType: string; fromId: string; toType: string }>('associations')
      .find((a) => a.fromType === 'contacts' && a.fromId === contact.id)
      .map((a) => a.toType)
      .sort();
    expect(assoc).toEqual(['calls', 'deals', 'meetings', 'notes']);

    // The same call again, then a new call from the same caller while search still lags: one contact, one note for the first call.
    expect((await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('hs_call_1'))).body.duplicate).toBe(true);
    await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('hs_call_2', { appointment_booked: null, customer_email: null }));
    await callDone(hub.api, AGENT, 'hs_call_2');
    expect(count('contacts')).toBe(1);
    expect(count('notes')).toBe(2);
  });

  it('an access token expiring while 20 jobs run is refreshed exactly once', async () => {
    const agent = 'agent_hs_many';
    await connectOAuth(hub, hub.api, agent, { type: 'hubspot' });
    const before = sim.oauth.refreshCount;
    sim.oauth.expireAccessTokens();
    const ids = Array.from({ length: 20 }, (_, i) => `hs_many_${i}`);
    await Promise.all(
      ids.map((cid, i) =>
        hub.api(
          'POST',
          `/api/agents/${agent}/calls`,
          sampleCall(cid, {
            customer_phone: `+1407555${String(1000 + i)}`,
            customer_email: `caller${i}@example.com`,
            appointment_booked: null,
            recording_url: null,
          }),
        ),
      ),
    );
    for (const cid of ids) expect((await callDone(hub.api, agent, cid)).integrations[0].status).toBe('succeeded');
    expect(sim.oauth.refreshCount - before).toBe(1);
  });

  it('invalid_grant on refresh marks the integration needs_reauth with a reconnect authorize_url; reauthorizing connects it again', async () => {
    const agent = 'agent_hs_revoked';
    const { id } = await connectOAuth(hub, hub.api, agent, { type: 'hubspot' });
    sim.oauth.expireAccessTokens();
    sim.oauth.failNextRefresh();
    await hub.api('POST', `/api/agents/${agent}/calls`, sampleCall('hs_revoked_1'));
    const done = await callDone(hub.api, agent, 'hs_revoked_1');
    expect(done.integrations[0].status).toBe('failed');
    const view = await hub.api('GET', `/api/agents/${agent}/integrations/${id}`);
    expect(view.body).toMatchObject({
      status: 'needs_reauth',
      status_reason: expect.stringMatching(/invalid_grant/),
      authorize_url: expect.stringContaining('/oauth/authorize?'),
    });
    const again = await authorize(hub, view.body.authorize_url);
    expect(again.body).toMatchObject({ status: 'connected', integration_id: id });
  });

  it('the callback refuses a reused, unknown or denied state with a 400 that names the problem', async () => {
    const res = await hub.api('POST', `/api/agents/agent_hs_cb/integrations/connect`, { type: 'hubspot' });
    const url = new URL(res.body.authorize_url);
    const state = url.searchParams.get('state')!;
    const denied = await fetch(`${hub.url}/api/integrations/hubspot/callback?error=access_denied&state=${state}`, {
      headers: { accept: 'application/json' },
    });
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ code: 'HUB_ERR_OAUTH', message: expect.stringMatching(/denied/) });
    const reused = await authorize(hub, url.toString());
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ field: 'query.state', message: expect.stringMatching(/already used/) });
    const unknown = await fetch(`${hub.url}/api/integrations/hubspot/callback?code=x&state=nope`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/text\/html/);
    expect(await unknown.text()).toMatch(/not a state this hub issued/);
    const wrongType = await hub.api('POST', `/api/agents/agent_hs_cb/integrations/connect`, { type: 'hubspot' });
    const s2 = new URL(wrongType.body.authorize_url).searchParams.get('state');
    const mismatch = await fetch(`${hub.url}/api/integrations/salesforce/callback?code=x&state=${s2}`, {
      headers: { accept: 'application/json' },
    });
    expect(mismatch.status).toBe(400);
  });

  it("a recording is copied into HubSpot (Files v3 import from URL) and the call points at HubSpot's copy; a dead link stays with its expiry stated", async () => {
    const agent = 'agent_hs_rec';
    await connectOAuth(hub, hub.api, agent, { type: 'hubspot' });
    const audio = Buffer.from('RIFF....WAVEfmt fake recording bytes for the import test');
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(audio));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const link = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rec/abc.wav`;
      await hub.api(
        'POST',
        `/api/agents/${agent}/calls`,
        sampleCall('hs_rec_1', {
          recording_url: link,
          customer_phone: '+14155550181',
          customer_email: 'rec@example.com',
          appointment_booked: null,
        }),
      );
      const done = await callDone(hub.api, agent, 'hs_rec_1');
      const step = done.integrations[0].steps.find((x: { name: string }) => x.name === 'callLog');
      expect(step).toMatchObject({ status: 'succeeded', crm_ids: { id: expect.any(String), recording_file_id: expect.any(String) } });
      const call = sim.state.collection<{ id: string; properties: Record<string, string> }>('calls').get(step.crm_ids.id)!;
      expect(call.properties.hs_call_recording_url).toMatch(new RegExp(`^${sim.url}/hubfs/\\d+/call_hs_rec_1\\.wav$`));
      const imported = sim.requests.find(
        (r) => r.path === '/files/v3/files/import-from-url/async' && (r.body as { url?: string }).url === link,
      );
      expect(imported?.body).toMatchObject({
        url: link,
        access: 'PUBLIC_NOT_INDEXABLE',
        folderPath: '/voice-recordings',
        name: 'call_hs_rec_1.wav',
      });
      const ranged = await fetch(call.properties.hs_call_recording_url, { headers: { range: 'bytes=0-3' } });
      expect([ranged.status, Buffer.from(await ranged.arrayBuffer()).toString()]).toEqual([206, 'RIFF']);
      expect(
        sim
          .files()
          .find((f) => f.sourceUrl === link)
          ?.bytes.equals(audio),
      ).toBe(true);
    } finally {
      server.close();
    }
  });

  it('logs no client secret, token or authorization code', () => {
    expectNoSecretsLogged(hub.logs, 'hubspot-secret');
  });
});
