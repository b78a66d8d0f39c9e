import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';
import { connectOAuth, oauthEnv } from '../helpers/oauth.js';

// The mapping preview as a dry run: the real step code (manifest requests and hooks) runs against a
// recorder, so each step shows the exact requests a sync would send, and no CRM is asked anything.
let hub: TestHub;
let ghl: GohighlevelSim;
let hubspot: HubspotSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const AGENT = 'agent_dry';
const HUBSPOT_SECRET = 'hubspot-secret';

const preview = (id: string, body: Record<string, unknown> = {}) =>
  hub.api('POST', `/api/agents/${AGENT}/integrations/${id}/mappings/preview`, body);
type Req = { method: string; url: string; headers: Record<string, string>; body?: any; answered: unknown };
const reqs = (res: { body: any }, step: string): Req[] => res.body.steps[step].requests;

beforeAll(async () => {
  ghl = await startGohighlevelSim();
  hubspot = await startHubspotSim({ searchPerSecond: 100 });
  receiver = await startReceiver();
  const env = oauthEnv(
    'hubspot',
    { baseUrl: hubspot.url, authorizeUrl: `${hubspot.url}/oauth/authorize`, tokenUrl: `${hubspot.url}/oauth/v1/token` },
    { clientId: 'hubspot-client', clientSecret: HUBSPOT_SECRET },
  );
  const overrides = { ...JSON.parse(env.HUB_CONNECTOR_OVERRIDES!), gohighlevel: { baseUrl: ghl.url } };
  hub = await startTestHub(
    { ...env, HUB_CONNECTOR_OVERRIDES: JSON.stringify(overrides) },
    { connectors: ['gohighlevel', 'hubspot', 'zapier'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await ghl?.close();
  await hubspot?.close();
  await receiver?.close();
});

describe('the mapping dry run shows the exact CRM requests', () => {
  it('GoHighLevel: the upsert hook, then the note on the placeholder contact; the key never shows and the CRM is not asked', async () => {
    const connect = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'gohighlevel',
      api_key: ghl.token,
      config: { location_id: ghl.locationId },
    });
    expect(connect.status).toBe(201);
    const before = ghl.requests.length;
    const { appointment_booked: _none, ...call } = sampleCall('dry_1');
    const res = await preview(connect.body.id, { call });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual({});
    const [upsert] = reqs(res, 'contact');
    expect(upsert).toMatchObject({
      method: 'POST',
      url: `${ghl.url}/contacts/upsert`,
      headers: { authorization: '[redacted]', version: '2021-07-28', 'content-type': 'application/json' },
      body: { locationId: ghl.locationId, phone: '+14079780655', email: 'jane@example.com' },
      answered: { id: '100000001' },
    });
    expect(res.body.steps.contact).toMatchObject({ status: 'would_send', output: { id: '100000001' } });
    const [note] = reqs(res, 'note');
    expect(note).toMatchObject({ method: 'POST', url: `${ghl.url}/contacts/100000001/notes` });
    expect(note.body.body).toContain('Customer scheduled roof inspection');
    expect(res.body.steps.appointment).toMatchObject({ status: 'skipped', skipped: 'no appointment was booked', requests: [] });
    expect(JSON.stringify(res.body)).not.toContain(ghl.token);
    expect(ghl.requests.length).toBe(before);
  });

  it('a changed mapping changes the request body; a failing one fails its step with the reason and no request', async () => {
    const list = await hub.api('GET', `/api/agents/${AGENT}/integrations`);
    const id = list.body.integrations.find((i: { type: string }) => i.type === 'gohighlevel').id;
    const changed = await preview(id, { mappings: { note: "{ 'body': 'Called about ' & call.call_summary }" } });
    expect(reqs(changed, 'note')[0].body).toEqual({ body: 'Called about Customer scheduled roof inspection' });
    const broken = await preview(id, { mappings: { note: "$error('not today')" } });
    expect(broken.body.steps.note).toMatchObject({ status: 'failed', requests: [] });
    expect(broken.body.steps.note.error).toContain('not today');
    expect(broken.body.errors.note).toBe(broken.body.steps.note.error);
  });

  it('HubSpot over OAuth: search (not found), upsert, recording import and call, each with a bearer placeholder and no token', async () => {
    const { id } = await connectOAuth(hub, hub.api, AGENT, {
      type: 'hubspot',
      config: { pipeline_id: 'default', default_stage_id: 'appointmentscheduled' },
    });
    const before = hubspot.requests.length;
    const res = await preview(id);
    expect(res.status).toBe(200);
    const contact = reqs(res, 'contact');
    expect(contact.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /crm/v3/objects/contacts/search',
      'POST /crm/v3/objects/contacts/batch/upsert',
    ]);
    expect(contact[0].answered).toBe('not found');
    expect(contact[1].body.inputs[0]).toMatchObject({ idProperty: 'email', properties: { email: 'jane@example.com' } });
    const callLog = reqs(res, 'callLog');
    expect(callLog.map((r) => new URL(r.url).pathname)).toEqual(['/files/v3/files/import-from-url/async', '/crm/v3/objects/calls']);
    expect(callLog[1].body.associations[0].to.id).toBe('100000001');
    for (const r of Object.values(res.body.steps).flatMap((s: any) => s.requests as Req[]))
      expect(r.headers.authorization).toBe('[redacted]');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/\bat-[0-9a-f]{8}|\brt-[0-9a-f]{8}|access_token|refresh_token/);
    expect(text).not.toContain(HUBSPOT_SECRET);
    expect(hubspot.requests.length).toBe(before);
  });

  it("Zapier: the catch hook's URL is a secret, so only its host shows; the delivery body is the call", async () => {
    const hookUrl = receiver.url('/hooks/catch/12345/s3cr3tpath/');
    const connect = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'zapier', webhook_url: hookUrl });
    expect(connect.status).toBe(201);
    const got = receiver.got.length;
    const res = await preview(connect.body.id);
    const [event] = reqs(res, 'event');
    expect(event).toMatchObject({ method: 'POST', url: `${new URL(hookUrl).origin}/[redacted]` });
    expect(event.body).toMatchObject({ action: 'call_completed', call: expect.objectContaining({ customer_name: 'Jane Smith' }) });
    expect(JSON.stringify(res.body)).not.toContain('s3cr3tpath');
    expect(receiver.got.length).toBe(got);
  });
});
