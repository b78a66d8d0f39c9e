import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, authorize, callDone, connectOAuth, expectNoSecretsLogged, oauthEnv, sampleCall } from '../helpers/oauth.js';

const APP = { clientId: 'ghl-client', clientSecret: 'ghl-secret-123456' };
let sim: GohighlevelSim;
let hub: TestHub;

/** The refresh tokens the hub sent to the token endpoint, oldest first. */
const refreshesSent = (): string[] =>
  sim.requests
    .filter((r) => r.path === '/oauth/token' && (r.body as Record<string, string>).grant_type === 'refresh_token')
    .map((r) => (r.body as Record<string, string>).refresh_token);

/** The refresh token the hub holds for an integration (decrypted from its store). */
async function storedRefreshToken(id: string): Promise<unknown> {
  const repo = hub.running.hub.repos.integrations;
  return repo.credentials((await repo.byId(id))!).refresh_token;
}

/** A call without an appointment, from its own phone: contact and note only. */
const plainCall = (id: string, phone: string) => sampleCall(id, { customer_phone: phone, customer_email: null, appointment_booked: null });

beforeAll(async () => {
  sim = await startGohighlevelSim({ oauth: APP });
  hub = await startTestHub(
    oauthEnv(
      'gohighlevel-oauth',
      { baseUrl: sim.url, authorizeUrl: `${sim.url}/oauth/chooselocation`, tokenUrl: `${sim.url}/oauth/token` },
      APP,
    ),
    { connectors: ['gohighlevel', 'gohighlevel-oauth'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});
afterEach(() => {
  expect(sim.violations).toEqual([]);
});

describe('GoHighLevel over OAuth end to end', () => {
  it('connect → choose location → callback → a call makes contact and note in the location the token names', async () => {
    const agent = 'agent_ghl_oauth';
    const { id, authorizeUrl } = await connectOAuth(hub, hub.api, agent, { type: 'gohighlevel-oauth', config: { user_id: 'user_sim_1' } });
    expect(authorizeUrl.pathname).toBe('/oauth/chooselocation');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/integrations/gohighlevel-oauth/callback`);
    expect(authorizeUrl.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining([
        'contacts.write',
        'calendars/events.write',
        'opportunities.write',
        'workflows.readonly',
        'locations/customFields.readonly',
      ]),
    );
    // The code exchange is form-encoded with the client credentials in the body, as GHL's token endpoint wants.
    const exchange = sim.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret });
    expect(exchange.headers.authorization).toBeUndefined();

    const view = await hub.api('GET', `/api/agents/${agent}/integrations/${id}`);
    expect(view.body).toMatchObject({ status: 'connected', credentials_set: true, config: { user_id: 'user_sim_1' } });
    expect(view.body.config).not.toHaveProperty('location_id');
    expect((await hub.api('POST', `/api/agents/${agent}/integrations/${id}/test`)).body).toMatchObject({
      ok: true,
      result: { ok: true, location_id: sim.locationId },
    });

    await hub.api('POST', `/api/agents/${agent}/calls`, sampleCall('ghl_oauth_1', { appointment_booked: null }));
    const done = await callDone(hub.api, agent, 'ghl_oauth_1');
    expect(done.integrations[0].steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'contact:succeeded',
      'note:succeeded',
      'appointment:skipped',
      'workflow:skipped',
      'opportunity:skipped',
    ]);
    expect(sim.contacts.all()).toMatchObject([{ locationId: sim.locationId, email: 'jane@example.com', phone: '+14079780655' }]);
    expect(sim.notes.all()).toMatchObject([{ contactId: sim.contacts.all()[0].id, userId: 'user_sim_1' }]);
    const upsert = sim.requests.find((r) => r.path === '/contacts/upsert')!;
    expect(upsert.headers).toMatchObject({ version: '2021-07-28', authorization: expect.stringMatching(/^Bearer /) });
  });

  it('the rotated refresh token is saved and is the one the next refresh sends', async () => {
    const agent = 'agent_ghl_rotate';
    const { id } = await connectOAuth(hub, hub.api, agent, { type: 'gohighlevel-oauth' });
    const first = await storedRefreshToken(id);
    const before = sim.oauth!.refreshCount;
    const sentBefore = refreshesSent().length;

    sim.oauth!.expireAccessTokens();
    await hub.api('POST', `/api/agents/${agent}/calls`, plainCall('ghl_rot_1', '+14155550301'));
    expect((await callDone(hub.api, agent, 'ghl_rot_1')).integrations[0].status).toBe('succeeded');
    expect(sim.oauth!.refreshCount - before).toBe(1);
    const rotated = await storedRefreshToken(id);
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(first);

    sim.oauth!.expireAccessTokens();
    await hub.api('POST', `/api/agents/${agent}/calls`, plainCall('ghl_rot_2', '+14155550302'));
    expect((await callDone(hub.api, agent, 'ghl_rot_2')).integrations[0].status).toBe('succeeded');
    expect(sim.oauth!.refreshCount - before).toBe(2);
    // The first refresh spent the original token; the second used the one the first answer rotated in.
    expect(refreshesSent().slice(sentBefore)).toEqual([first, rotated]);
    expect(sim.contacts.find((c) => c.phone === '+14155550302')).toHaveLength(1);
  });

  it('invalid_grant on refresh marks the integration needs_reauth; authorizing again connects it', async () => {
    const agent = 'agent_ghl_revoked';
    const { id } = await connectOAuth(hub, hub.api, agent, { type: 'gohighlevel-oauth' });
    sim.oauth!.expireAccessTokens();
    sim.oauth!.failNextRefresh();
    await hub.api('POST', `/api/agents/${agent}/calls`, plainCall('ghl_revoked_1', '+14155550303'));
    expect((await callDone(hub.api, agent, 'ghl_revoked_1')).integrations[0].status).toBe('failed');
    const view = await hub.api('GET', `/api/agents/${agent}/integrations/${id}`);
    expect(view.body).toMatchObject({
      status: 'needs_reauth',
      status_reason: expect.stringMatching(/invalid_grant/),
      authorize_url: expect.stringContaining('/oauth/chooselocation?'),
    });
    expect((await authorize(hub, view.body.authorize_url)).body).toMatchObject({ status: 'connected', integration_id: id });
  });

  it('logs no client secret, token or authorization code', () => {
    expectNoSecretsLogged(hub.logs, APP.clientSecret);
  });
});
