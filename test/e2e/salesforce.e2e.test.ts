import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceSim, type SalesforceSim } from '@hub/connector-salesforce/sim';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, connectOAuth, oauthEnv, sampleCall } from '../helpers/oauth.js';
import { expectNoSecretsLogged } from '../helpers/oauth.js';

let sim: SalesforceSim;
let hub: TestHub;
type Rec = Record<string, unknown> & { id: string };
const records = (type: string) => sim.state.collection<Rec>(type).all();

beforeAll(async () => {
  sim = await startSalesforceSim();
  // No baseUrl override: API calls go to the instance_url of the token answer (the simulator).
  hub = await startTestHub(
    oauthEnv(
      'salesforce',
      { authorizeUrl: `${sim.url}/services/oauth2/authorize`, tokenUrl: `${sim.url}/services/oauth2/token` },
      { clientId: 'sf-client', clientSecret: 'sf-secret' },
    ),
    { connectors: ['salesforce'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});

describe('Salesforce end to end', () => {
  it('connect with PKCE → instance_url kept → Lead, call Task, Event and Opportunity; a repeat makes nothing new', async () => {
    const { id, authorizeUrl } = await connectOAuth(hub, hub.api, 'agent_sf', {
      type: 'salesforce',
      config: { default_stage: 'Prospecting' },
    });
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(sim.oauth.challenges).toHaveLength(1);
    const doc = await hub.running.hub.repos.integrations.byId(id);
    expect(doc!.account).toMatchObject({ instance_url: sim.url });
    await hub.api('POST', '/api/agents/agent_sf/calls', sampleCall('sf_call_1'));
    const done = await callDone(hub.api, 'agent_sf', 'sf_call_1');
    expect(done.integrations[0].steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'callLog:succeeded',
      'appointment:succeeded',
      'opportunity:succeeded',
    ]);
    const [lead] = records('Lead');
    expect(lead).toMatchObject({
      FirstName: 'Jane',
      LastName: 'Smith',
      Company: '[not provided]',
      Email: 'jane@example.com',
      Phone: '+14079780655',
    });
    expect(records('Task')[0]).toMatchObject({
      WhoId: lead.id,
      TaskSubtype: 'Call',
      Status: 'Completed',
      CallDurationInSeconds: 300,
      CallDisposition: 'Answered: appointment_booked',
      CallType: 'Inbound',
      ActivityDate: '2026-02-15',
    });
    expect(String(records('Task')[0].Description)).toContain(
      "Recording (the voice platform's link, which expires): https://recordings.example.com/call_abc123.mp3",
    );
    expect(records('Event')[0]).toMatchObject({
      WhoId: lead.id,
      StartDateTime: '2026-02-20T19:00:00Z',
      EndDateTime: '2026-02-20T20:00:00Z',
    });
    expect(records('Opportunity')[0]).toMatchObject({ StageName: 'Prospecting', CloseDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });

    await hub.api('POST', '/api/agents/agent_sf/calls', sampleCall('sf_call_1'));
    await hub.api('POST', '/api/agents/agent_sf/calls', sampleCall('sf_call_2', { customer_email: null, appointment_booked: null }));
    await callDone(hub.api, 'agent_sf', 'sf_call_2');
    expect(records('Lead')).toHaveLength(1);
    expect(records('Task')).toHaveLength(2);
    expect(sim.violations).toEqual([]);
  });

  it('finds an existing Contact by phone (SOSL) and resolves DUPLICATES_DETECTED to the matched record', async () => {
    const contacts = sim.state.collection<Rec>('Contact');
    const known = contacts.insert({ FirstName: 'Bo', LastName: 'Diaz', Phone: '(407) 555-0100', __searchableAt: 0 });
    const dupOnly = contacts.insert({ LastName: 'Kim', Email: 'kim@example.com', __searchableAt: 0 });
    await connectOAuth(hub, hub.api, 'agent_sf_c', { type: 'salesforce', config: { create_as: 'Contact' } });
    await hub.api(
      'POST',
      '/api/agents/agent_sf_c/calls',
      sampleCall('sf_c_1', { customer_phone: '+14075550100', customer_email: null, customer_name: 'Bo Diaz', appointment_booked: null }),
    );
    const a = await callDone(hub.api, 'agent_sf_c', 'sf_c_1');
    expect(a.integrations[0].steps[0]).toMatchObject({ name: 'contact', crm_ids: { id: known.id, created: false } });
    // SOQL misses (a different email) while the duplicate rule matches on phone: the create is blocked and the match is used.
    contacts.update(dupOnly.id, { Phone: '+1 407 555 0199' });
    sim.setSearchIndexLag(60_000);
    await hub.api(
      'POST',
      '/api/agents/agent_sf_c/calls',
      sampleCall('sf_c_2', {
        customer_phone: '+14075550199',
        customer_email: 'other@example.com',
        customer_name: 'Kim',
        appointment_booked: null,
      }),
    );
    const b = await callDone(hub.api, 'agent_sf_c', 'sf_c_2');
    expect(b.integrations[0].steps[0]).toMatchObject({ name: 'contact', crm_ids: { id: dupOnly.id, created: false } });
    expect(contacts.size).toBe(2);
    sim.setSearchIndexLag(0);
  });

  it('a session expiring while 20 jobs run (401 INVALID_SESSION_ID, no expires_in) is refreshed exactly once', async () => {
    await connectOAuth(hub, hub.api, 'agent_sf_many', { type: 'salesforce' });
    const before = sim.oauth.refreshCount;
    sim.oauth.expireAccessTokens();
    const ids = Array.from({ length: 20 }, (_, i) => `sf_many_${i}`);
    await Promise.all(
      ids.map((cid, i) =>
        hub.api(
          'POST',
          '/api/agents/agent_sf_many/calls',
          sampleCall(cid, {
            customer_phone: `+1321555${String(1000 + i)}`,
            customer_email: `sf${i}@example.com`,
            appointment_booked: null,
          }),
        ),
      ),
    );
    for (const cid of ids) expect((await callDone(hub.api, 'agent_sf_many', cid, 30_000)).integrations[0].status).toBe('succeeded');
    expect(sim.oauth.refreshCount - before).toBe(1);
  });

  it('REQUEST_LIMIT_EXCEEDED is a wait: the job is retried, not failed', async () => {
    await connectOAuth(hub, hub.api, 'agent_sf_limit', { type: 'salesforce' });
    sim.inject({
      method: 'GET',
      path: /\/query$/,
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    await hub.api(
      'POST',
      '/api/agents/agent_sf_limit/calls',
      sampleCall('sf_limit_1', { customer_email: 'limit@example.com', appointment_booked: null }),
    );
    const done = await callDone(hub.api, 'agent_sf_limit', 'sf_limit_1');
    expect(done.integrations[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    const logs = await hub.api('GET', '/api/agents/agent_sf_limit/sync-logs?status=failed');
    expect(logs.body.logs[0].error).toMatchObject({ code: 'HUB_ERR_CRM_RATE_LIMITED' });
  });

  it('logs no client secret, token or authorization code', () => {
    expectNoSecretsLogged(hub.logs, 'sf-secret');
  });
  it("attaches the call recording to the call Task as a ContentVersion, so it outlives the voice platform's link", async () => {
    await connectOAuth(hub, hub.api, 'agent_sf_rec', { type: 'salesforce' });
    const audio = Buffer.from('RIFF fake recording for the ContentVersion test');
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(audio));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const link = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rec/sf.wav`;
      await hub.api(
        'POST',
        '/api/agents/agent_sf_rec/calls',
        sampleCall('sf_rec_1', {
          recording_url: link,
          customer_email: 'rec@example.com',
          customer_phone: '+14155550191',
          appointment_booked: null,
        }),
      );
      const done = await callDone(hub.api, 'agent_sf_rec', 'sf_rec_1');
      const step = done.integrations[0].steps.find((x: { name: string }) => x.name === 'callLog');
      expect(step).toMatchObject({
        status: 'succeeded',
        crm_ids: { id: expect.any(String), recording_content_version_id: expect.any(String) },
      });
      const version = records('ContentVersion').find((v) => v.id === step.crm_ids.recording_content_version_id)!;
      expect(version).toMatchObject({
        FirstPublishLocationId: step.crm_ids.id,
        PathOnClient: 'call_sf_rec_1.wav',
        Title: 'Call recording sf_rec_1',
      });
      expect(Buffer.from(String(version.VersionData), 'base64').equals(audio)).toBe(true);
      expect(sim.violations).toEqual([]);
    } finally {
      server.close();
    }
  });
});
