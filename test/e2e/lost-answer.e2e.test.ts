import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startSalesforceSim, type SalesforceSim } from '@hub/connector-salesforce/sim';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, callDone, connectOAuth, sampleCall } from '../helpers/oauth.js';

// The CRM writes the record, then the connection drops before its answer: the hub cannot know the
// record exists. Each connector's recovery lookup must find it on the retry, so each CRM ends with
// exactly one note (call log, Task) per call. Without the lookups every count below would be 2.
let hs: HubspotSim;
let sf: SalesforceSim;
let pd: PipedriveSim;
let ghl: GohighlevelSim;
let hub: TestHub;

beforeAll(async () => {
  // HubSpot's search lags writes, so a lookup through search would miss the lost note.
  [hs, sf, pd, ghl] = await Promise.all([
    startHubspotSim({ searchPerSecond: 100, searchIndexLagMs: 5000 }),
    startSalesforceSim(),
    startPipedriveSim(),
    startGohighlevelSim(),
  ]);
  hub = await startTestHub(
    {
      HUB_PUBLIC_URL: PUBLIC_URL,
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({
        hubspot: { baseUrl: hs.url, authorizeUrl: `${hs.url}/oauth/authorize`, tokenUrl: `${hs.url}/oauth/v1/token` },
        salesforce: { authorizeUrl: `${sf.url}/services/oauth2/authorize`, tokenUrl: `${sf.url}/services/oauth2/token` },
        pipedrive: { baseUrl: `${pd.url}/v1` },
        gohighlevel: { baseUrl: ghl.url },
      }),
      HUB_OAUTH_HUBSPOT_CLIENT_ID: 'hubspot-client',
      HUB_OAUTH_HUBSPOT_CLIENT_SECRET: 'hubspot-secret',
      HUB_OAUTH_SALESFORCE_CLIENT_ID: 'sf-client',
      HUB_OAUTH_SALESFORCE_CLIENT_SECRET: 'sf-secret',
    },
    { connectors: ['hubspot', 'salesforce', 'pipedrive', 'gohighlevel'] },
  );
}, 30_000);
afterAll(async () => {
  await hub?.close();
  await Promise.all([hs, sf, pd, ghl].map((s) => s?.close()));
});

const marked = (text: unknown, callId: string) => typeof text === 'string' && new RegExp(`Call ID: ${callId}(?![\\w.:-])`).test(text);

/** Posts a call, waits for it, and checks the job succeeded with the step recovered, not written again. */
async function syncThroughLostAnswer(agent: string, callId: string, steps: string[]): Promise<void> {
  expect((await hub.api('POST', `/api/agents/${agent}/calls`, sampleCall(callId, { appointment_booked: null }))).status).toBe(202);
  const done = await callDone(hub.api, agent, callId);
  expect(
    done.integrations.map((j: { status: string }) => j.status),
    JSON.stringify(done),
  ).toEqual(['succeeded']);
  const logs = (await hub.api('GET', `/api/agents/${agent}/sync-logs?limit=100`)).body.logs as Array<{
    step: string;
    status: string;
    recovered?: boolean;
    callId: string;
  }>;
  for (const step of steps) {
    const mine = logs.filter((l) => l.callId === callId && l.step === step);
    expect(mine.map((l) => l.status).sort(), `${step} attempts`).toEqual(['failed', 'success']);
    expect(mine.find((l) => l.status === 'success')?.recovered, `${step} recovered`).toBe(true);
  }
}

describe('a create whose answer is lost is written once', () => {
  it("HubSpot: the note and the call engagement, found through the contact's associations while search still lags", async () => {
    await connectOAuth(hub, hub.api, 'agent_lost_hs', { type: 'hubspot' });
    hs.inject({ method: 'POST', path: '/crm/v3/objects/notes', dropAfter: true });
    hs.inject({ method: 'POST', path: '/crm/v3/objects/calls', dropAfter: true });
    await syncThroughLostAnswer('agent_lost_hs', 'lost_hs_1', ['note', 'callLog']);
    const notes = hs.state.collection<{ properties: Record<string, string> }>('notes').all();
    const calls = hs.state.collection<{ properties: Record<string, string> }>('calls').all();
    expect(notes.filter((n) => marked(n.properties.hs_note_body, 'lost_hs_1'))).toHaveLength(1);
    expect(calls.filter((c) => marked(c.properties.hs_call_body, 'lost_hs_1'))).toHaveLength(1);
    expect([notes.length, calls.length]).toEqual([1, 1]);
    expect(hs.violations).toEqual([]);
  });

  it('Salesforce: the call Task, found by CallObject with SOQL', async () => {
    await connectOAuth(hub, hub.api, 'agent_lost_sf', { type: 'salesforce' });
    sf.inject({ method: 'POST', path: /\/sobjects\/Task\/?$/, dropAfter: true });
    await syncThroughLostAnswer('agent_lost_sf', 'lost_sf_1', ['callLog']);
    const tasks = sf.state.collection<Record<string, unknown>>('Task').all();
    expect(tasks.map((t) => t.CallObject)).toEqual(['lost_sf_1']);
    expect(sf.violations).toEqual([]);
  });

  it("Pipedrive: the note, found among the person's newest notes by its marker", async () => {
    expect(
      (await hub.api('POST', '/api/agents/agent_lost_pd/integrations/connect', { type: 'pipedrive', api_key: pd.apiToken })).status,
    ).toBe(201);
    // An earlier call's note on the same person, whose id shares a prefix, must not be taken for it.
    await hub.api('POST', '/api/agents/agent_lost_pd/calls', sampleCall('lost_pd_10', { appointment_booked: null }));
    await callDone(hub.api, 'agent_lost_pd', 'lost_pd_10');
    pd.inject({ method: 'POST', path: '/v1/notes', dropAfter: true });
    await syncThroughLostAnswer('agent_lost_pd', 'lost_pd_1', ['note']);
    const notes = pd.notes.all();
    expect(notes.filter((n) => marked(n.content, 'lost_pd_1'))).toHaveLength(1);
    expect(notes).toHaveLength(2);
    expect(pd.violations).toEqual([]);
  });

  it("GoHighLevel: the note, found among the contact's notes by its marker", async () => {
    expect(
      (
        await hub.api('POST', '/api/agents/agent_lost_ghl/integrations/connect', {
          type: 'gohighlevel',
          api_key: ghl.token,
          config: { location_id: ghl.locationId },
        })
      ).status,
    ).toBe(201);
    ghl.inject({ method: 'POST', path: /^\/contacts\/[^/]+\/notes$/, dropAfter: true });
    await syncThroughLostAnswer('agent_lost_ghl', 'lost_ghl_1', ['note']);
    const notes = ghl.notes.all() as Array<{ body?: string }>;
    expect(notes.filter((n) => marked(n.body, 'lost_ghl_1'))).toHaveLength(1);
    expect(notes).toHaveLength(1);
    expect(ghl.violations).toEqual([]);
  });
});
