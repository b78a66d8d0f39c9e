import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleCalendarSim, type GoogleCalendarSim } from '@hub/connector-google-calendar/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, authorize, connectOAuth, oauthEnv } from '../helpers/oauth.js';

// The original spec names /api/integrations/google/callback; google-calendar declares the alias
// "google", and a deployment that registered that URI tells the hub with HUB_OAUTH_<ID>_REDIRECT_URI.
const SPEC_URI = `${PUBLIC_URL}/api/integrations/google/callback`;
let sim: GoogleCalendarSim;
let hub: TestHub;
let misconfigured: TestHub;

beforeAll(async () => {
  // The simulated provider accepts only the registered redirect URI, at authorize and at the token exchange.
  sim = await startGoogleCalendarSim({ clients: [{ clientId: 'gcal-client', clientSecret: 'gcal-secret', redirectUris: [SPEC_URI] }] });
  const endpoints = { baseUrl: `${sim.url}/calendar/v3`, authorizeUrl: `${sim.url}/o/oauth2/v2/auth`, tokenUrl: `${sim.url}/token` };
  const app = { clientId: 'gcal-client', clientSecret: 'gcal-secret' };
  hub = await startTestHub(oauthEnv('google-calendar', endpoints, app, { HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: SPEC_URI }), {
    connectors: ['google-calendar', 'hubspot'],
  });
  misconfigured = await startTestHub(
    oauthEnv('google-calendar', endpoints, app, {
      HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: `${PUBLIC_URL}/api/integrations/hubspot/callback`,
    }),
    { connectors: ['google-calendar', 'hubspot'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await misconfigured?.close();
  await sim?.close();
});

describe('OAuth callback aliases', () => {
  it('sends the registered /google/callback redirect URI and completes the flow there', async () => {
    const { id, authorizeUrl } = await connectOAuth(hub, hub.api, 'agent_alias', { type: 'google-calendar' });
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(SPEC_URI);
    const view = await hub.api('GET', `/api/agents/agent_alias/integrations/${id}`);
    expect(view.body).toMatchObject({ type: 'google-calendar', status: 'connected', credentials_set: true });
    expect(sim.requests.filter((r) => r.path === '/token').at(-1)?.status).toBe(200);
  });

  it('the callback is reached through the alias and the redirect URI matches the authorize request', async () => {
    const res = await hub.api('POST', '/api/agents/agent_alias2/integrations/connect', { type: 'google-calendar' });
    expect(res.body.redirect_uri).toBe(SPEC_URI);
    const done = await authorize(hub, res.body.authorize_url);
    expect(done.callbackUrl.pathname).toBe('/api/integrations/google/callback');
    expect(done.body).toMatchObject({ status: 'connected', type: 'google-calendar', integration_id: res.body.id });
  });

  it("a state issued for google-calendar is refused at another connector's callback; an unknown name is a 400", async () => {
    const res = await hub.api('POST', '/api/agents/agent_alias3/integrations/connect', { type: 'google-calendar' });
    const state = new URL(res.body.authorize_url).searchParams.get('state')!;
    const wrong = await fetch(`${hub.url}/api/integrations/hubspot/callback?code=x&state=${state}`, {
      headers: { accept: 'application/json' },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      field: 'query.state',
      message: expect.stringMatching(/issued for google-calendar, not hubspot/),
    });
    const unknown = await fetch(`${hub.url}/api/integrations/gmail/callback?code=x&state=${state}`, {
      headers: { accept: 'application/json' },
    });
    expect(unknown.status).toBe(400);
  });

  it('a registered redirect URI that names another connector is reported instead of sent', async () => {
    const res = await misconfigured.api('POST', '/api/agents/agent_alias4/integrations/connect', { type: 'google-calendar' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      authorize_url: null,
      authorize_error: expect.stringMatching(/HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: .*"hubspot"/),
    });
  });
});
