import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { authorize, oauthEnv } from '../helpers/oauth.js';

let sim: HubspotSim;
let hub: TestHub;
const AGENT = 'agent_states';
const stateOf = (url: string) => new URL(url).searchParams.get('state');
const stored = () =>
  hub.running.hub.engine.collection<{ _id: string; integrationId: string; expiresAt: number; usedAt?: string }>('oauth_states');

beforeAll(async () => {
  sim = await startHubspotSim();
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

describe('OAuth state reuse', () => {
  it('viewing a pending integration again shows the same authorize_url and writes no new state', async () => {
    const created = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'hubspot' });
    const id = created.body.id as string;
    const before = await stored().countDocuments({ integrationId: id });
    expect(before).toBe(1);
    const one = await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`);
    const list = await hub.api('GET', `/api/agents/${AGENT}/integrations`);
    expect(one.body.authorize_url).toBe(created.body.authorize_url);
    expect(list.body.integrations[0].authorize_url).toBe(created.body.authorize_url);
    expect(await stored().countDocuments({ integrationId: id })).toBe(1);
  });

  it('a used state is never shown again: a denied consent gets a new state, which then connects', async () => {
    const created = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'hubspot', name: 'denied first' });
    const first = stateOf(created.body.authorize_url)!;
    const denied = await fetch(`${hub.url}/api/integrations/hubspot/callback?error=access_denied&state=${first}`, {
      headers: { accept: 'application/json' },
    });
    expect(denied.status).toBe(400);
    const view = await hub.api('GET', `/api/agents/${AGENT}/integrations/${created.body.id}`);
    expect(stateOf(view.body.authorize_url)).not.toBe(first);
    const done = await authorize(hub, view.body.authorize_url);
    expect(done.body).toMatchObject({ status: 'connected', integration_id: created.body.id });
    // Replaying the first (burnt) state is still refused.
    const replay = await fetch(`${hub.url}/api/integrations/hubspot/callback?code=x&state=${first}`, {
      headers: { accept: 'application/json' },
    });
    expect(await replay.json()).toMatchObject({ field: 'query.state', message: expect.stringMatching(/already used/) });
  });

  it('a state with under two minutes left is replaced by a new one', async () => {
    const created = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'hubspot', name: 'late' });
    const id = created.body.id as string;
    await stored().updateMany({ integrationId: id }, { $set: { expiresAt: Date.now() + 60_000 } });
    const view = await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`);
    expect(stateOf(view.body.authorize_url)).not.toBe(stateOf(created.body.authorize_url));
    expect(await stored().countDocuments({ integrationId: id })).toBe(2);
    const again = await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`);
    expect(again.body.authorize_url).toBe(view.body.authorize_url);
    // The old state still works until it expires: a user already on the consent page is not turned away.
    const done = await authorize(hub, created.body.authorize_url);
    expect(done.body).toMatchObject({ status: 'connected', integration_id: id });
  });
});
