import { simRequest } from '@hub/simkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubspotSim, startHubspotSim } from '../../sim/index.js';

let sim: HubspotSim;
afterEach(async () => sim?.close());

type J = Record<string, any>;
async function call(
  method: string,
  path: string,
  body?: unknown,
  token = sim.accessToken(),
): Promise<{ status: number; json: J; headers: Headers }> {
  const r = await simRequest(sim.url, method, path, { body, headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, json: r.body ?? {}, headers: r.headers };
}
const search = (email: string) => ({
  filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }] }],
  properties: ['email'],
  sorts: [],
  limit: 10,
  after: '0',
});
const contact = (email: string, extra: J = {}) => ({ properties: { email, firstname: 'Ann', ...extra }, associations: [] });

describe('HubSpot simulator', () => {
  it('runs the OAuth code flow with client credentials in the body and 30-minute tokens', async () => {
    sim = await startHubspotSim();
    const auth = await fetch(
      `${sim.url}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'hubspot-client', redirect_uri: 'https://hub.test/cb', scope: 'crm.objects.contacts.write', state: 's1' })}`,
      { redirect: 'manual' },
    );
    const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://hub.test/cb',
      client_id: 'hubspot-client',
      client_secret: 'hubspot-secret',
    };
    const tok = await fetch(`${sim.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const t = (await tok.json()) as J;
    expect(t).toMatchObject({ token_type: 'bearer', expires_in: 1800, refresh_token: expect.any(String) });
    expect((await call('GET', '/crm/v3/objects/contacts', undefined, t.access_token)).status).toBe(200);
    const none = await fetch(`${sim.url}/crm/v3/objects/contacts`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
  });

  it('creates contacts, answers 409 with the existing id, gets by id or email, updates and searches', async () => {
    sim = await startHubspotSim();
    const created = await call('POST', '/crm/v3/objects/contacts', contact('ann@x.co', { phone: '+1 (555) 010-2000' }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: '1', properties: { email: 'ann@x.co', hs_object_id: '1' }, archived: false });
    const dup = await call('POST', '/crm/v3/objects/contacts', contact('ANN@x.co'));
    expect(dup.status).toBe(409);
    expect(dup.json.message).toMatch(/Existing ID: 1/);
    expect((await call('GET', '/crm/v3/objects/contacts/ann@x.co?idProperty=email')).json.id).toBe('1');
    expect((await call('PATCH', '/crm/v3/objects/contacts/1', { properties: { lastname: 'Lee' } })).json.properties.lastname).toBe('Lee');
    const found = await call('POST', '/crm/v3/objects/contacts/search', search('ann@x.co'));
    expect(found.json).toMatchObject({ total: 1, results: [{ id: '1', properties: { email: 'ann@x.co' } }] });
    expect(found.json.results[0].properties.lastname).toBeUndefined();
    const byPhone = await call('POST', '/crm/v3/objects/contacts/search', {
      ...search(''),
      filterGroups: [{ filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: '5550102000' }] }],
    });
    expect(byPhone.json.total).toBe(1);
    const unknown = await call('POST', '/crm/v3/objects/contacts', contact('b@x.co', { shoe_size: '9' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toMatch(/PROPERTY_DOESNT_EXIST/);
  });

  it('hides new contacts from search until the index catches up', async () => {
    sim = await startHubspotSim({ searchIndexLagMs: 300 });
    await call('POST', '/crm/v3/objects/contacts', contact('lag@x.co'));
    expect((await call('POST', '/crm/v3/objects/contacts/search', search('lag@x.co'))).json.total).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    expect((await call('POST', '/crm/v3/objects/contacts/search', search('lag@x.co'))).json.total).toBe(1);
  });

  it("reads a batch by id at once, while search still lags: a note just written is found through the contact's associations", async () => {
    sim = await startHubspotSim({ searchIndexLagMs: 60_000 });
    await call('POST', '/crm/v3/objects/contacts', contact('r@x.co'));
    const ts = '2026-03-01T10:00:00.000Z';
    const to = [{ to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }];
    await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'Call ID: c1', hs_timestamp: ts }, associations: to });
    const assoc = await call('GET', '/crm/v4/objects/contacts/1/associations/notes?limit=500');
    const ids = assoc.json.results.map((r: J) => ({ id: String(r.toObjectId) }));
    const read = await call('POST', '/crm/v3/objects/notes/batch/read', {
      inputs: [...ids, { id: '99' }],
      properties: ['hs_note_body'],
      propertiesWithHistory: [],
    });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ status: 'COMPLETE', results: [{ id: '1', properties: { hs_note_body: 'Call ID: c1' } }] });
    expect(read.json.results).toHaveLength(1);
    const search = {
      filterGroups: [{ filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: 'c1' }] }],
      properties: [],
      sorts: [],
      limit: 10,
      after: '0',
    };
    expect((await call('POST', '/crm/v3/objects/notes/search', search)).json.total).toBe(0);
    expect((await call('POST', '/crm/v3/objects/notes/batch/read', { inputs: ids, properties: ['hs_note_body'] })).status).toBe(400);
    sim.violations.length = 0;
  });

  it('upserts by email in batch, creates engagements and deals with inline associations, enrolls in workflows', async () => {
    sim = await startHubspotSim();
    const up = await call('POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'u@x.co', idProperty: 'email', properties: { firstname: 'U' } }],
    });
    expect(up.json).toMatchObject({ status: 'COMPLETE', results: [{ id: '1', new: true, properties: { email: 'u@x.co' } }] });
    const again = await call('POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'u@x.co', idProperty: 'email', properties: { lastname: 'V' } }],
    });
    expect(again.json.results[0]).toMatchObject({ id: '1', new: false, properties: { firstname: 'U', lastname: 'V' } });
    const toContact = (typeId: number) => [
      { to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] },
    ];
    const ts = '2026-03-01T10:00:00.000Z';
    expect(
      (await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'hi', hs_timestamp: ts }, associations: toContact(202) }))
        .status,
    ).toBe(201);
    const callRes = await call('POST', '/crm/v3/objects/calls', {
      properties: { hs_call_title: 'AI call', hs_call_recording_url: 'https://r.test/a.mp3', hs_timestamp: ts },
      associations: toContact(194),
    });
    expect(callRes.json.properties.hs_call_recording_url).toBe('https://r.test/a.mp3');
    expect(
      (
        await call('POST', '/crm/v3/objects/meetings', {
          properties: { hs_meeting_title: 'Visit', hs_timestamp: ts },
          associations: toContact(200),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/crm/v3/objects/deals', {
          properties: { dealname: 'Job', pipeline: 'default', dealstage: 'appointmentscheduled' },
          associations: toContact(3),
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'Job', dealstage: 'nope' }, associations: [] })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'x', hs_timestamp: ts }, associations: toContact(194) }))
        .status,
    ).toBe(400);
    expect((await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'x' }, associations: [] })).json.message).toMatch(
      /hs_timestamp/,
    );
    const assoc = await call('GET', '/crm/v4/objects/contacts/1/associations/notes');
    expect(assoc.json.results).toEqual([{ toObjectId: 1, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 201, label: null }] }]);
    expect((await call('POST', '/automation/v2/workflows/77/enrollments/contacts/u@x.co')).status).toBe(204);
    expect(sim.state.collection('enrollments').all()).toMatchObject([{ workflowId: '77', contactId: '1' }]);
    expect((await call('GET', '/crm/v3/properties/contacts')).json.results.map((p: J) => p.name)).toContain('email');
    expect((await call('GET', '/crm/v3/pipelines/deals')).json.results[0].stages[0].id).toBe('appointmentscheduled');
    expect(sim.violations).toEqual([]);
  });

  it('rejects requests that break the published schema', async () => {
    sim = await startHubspotSim();
    const bad = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@x.co' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringContaining("'associations'") });
    const badSearch = await call('POST', '/crm/v3/objects/contacts/search', { filterGroups: [] });
    expect(badSearch.json.message).toMatch(/sorts/);
    expect(sim.violations).toHaveLength(2);
    expect(sim.state.collection('contacts').size).toBe(0);
    const now = new Date().toISOString();
    const badStatus = await call('POST', '/crm/v3/objects/calls', {
      properties: { hs_timestamp: now, hs_call_status: 'ANSWERED', hs_call_direction: 'SIDEWAYS' },
      associations: [],
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.message).toMatch(/ANSWERED was not one of the allowed options/);
    expect(badStatus.json.message).toMatch(/SIDEWAYS/);
    const good = await call('POST', '/crm/v3/objects/calls', {
      properties: {
        hs_timestamp: now,
        hs_call_status: 'NO_ANSWER',
        hs_call_direction: 'OUTBOUND',
        hs_call_disposition: '73a0d17f-1163-4015-bdd5-ec830791da20',
      },
      associations: [],
    });
    expect(good.status).toBe(201);
  });

  it('sends quota headers and answers 429 in HubSpot shape over the limit', async () => {
    sim = await startHubspotSim({ burstLimit: 2 });
    const r1 = await call('GET', '/crm/v3/objects/contacts');
    expect(r1.headers.get('x-hubspot-ratelimit-max')).toBe('2');
    expect(r1.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect(r1.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(r1.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('249999');
    await call('GET', '/crm/v3/objects/contacts');
    const limited = await call('GET', '/crm/v3/objects/contacts');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
  });

  it('expires tokens, refreshes, fails a refresh on demand and injects faults over HTTP', async () => {
    sim = await startHubspotSim();
    const t = sim.oauth.issue('hubspot-client', 'crm');
    await fetch(`${sim.url}/__sim/tokens/expire`, { method: 'POST' });
    const expired = await call('GET', '/crm/v3/objects/contacts', undefined, t.access_token);
    expect(expired).toMatchObject({ status: 401, json: { category: 'EXPIRED_AUTHENTICATION' } });
    const refresh = (rt: string) =>
      fetch(`${sim.url}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: rt,
          client_id: 'hubspot-client',
          client_secret: 'hubspot-secret',
        }),
      });
    const r = await refresh(String(t.refresh_token));
    expect(r.status).toBe(200);
    const fresh = (await r.json()) as J;
    expect((await call('GET', '/crm/v3/objects/contacts', undefined, fresh.access_token)).status).toBe(200);
    sim.oauth.failNextRefresh();
    const failed = await refresh(String(t.refresh_token));
    expect(failed.status).toBe(400);
    expect(await failed.json()).toMatchObject({ error: 'invalid_grant', status: 'BAD_REFRESH_TOKEN' });
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/crm/v3/objects/contacts', status: 503, times: 1 }),
    });
    expect((await call('POST', '/crm/v3/objects/contacts', contact('f@x.co'), fresh.access_token)).status).toBe(503);
    expect((await call('POST', '/crm/v3/objects/contacts', contact('f@x.co'), fresh.access_token)).status).toBe(201);
  });
});
