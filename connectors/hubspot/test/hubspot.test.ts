import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPackage, RateLimiter, type Connector } from '@hub/core';
import { oauthRuntime, unitCall } from '../../../test/helpers/oauth-runtime.js';

const API = 'https://api.hubapi.com';
let hubspot: Connector;

beforeAll(async () => {
  const c = await loadPackage(fileURLToPath(new URL('..', import.meta.url)), []);
  if (!c) throw new Error('hubspot does not load');
  hubspot = c;
});

async function contactFor(call: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const rt = oauthRuntime(hubspot, { config });
  const ctx = { call, steps: {} };
  return rt.execute('upsertContact', await rt.map('contact', ctx), ctx);
}

describe('HubSpot connector', () => {
  it('findContact only searches (never upserts) and answers the name and email it found, or null', async () => {
    const rt = oauthRuntime(hubspot);
    const ctx = { call: unitCall({ customer_email: null, customer_name: null }), steps: {} };
    nock(API)
      .post('/crm/v3/objects/contacts/search', (b) => b.filterGroups.length === 3 && b.properties.includes('firstname'))
      .reply(200, {
        total: 1,
        results: [{ id: '501', properties: { firstname: 'Jane', lastname: 'Smith', email: 'jane@example.com', phone: '+14079780655' } }],
      });
    expect(await rt.execute('findContact', await rt.map('contact', ctx), ctx)).toEqual({
      id: '501',
      firstname: 'Jane',
      lastname: 'Smith',
      email: 'jane@example.com',
      phone: '+14079780655',
    });
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    expect(await rt.execute('findContact', await rt.map('contact', ctx), ctx)).toBeNull();
  });

  it('logs calls with their true direction, status and outcome: outbound no-answer, busy, voicemail, inbound answered', async () => {
    const rt = oauthRuntime(hubspot);
    const cases: Array<[Record<string, unknown>, Record<string, string | undefined>]> = [
      [
        { direction: 'outbound', disconnection_reason: 'dial_no_answer' },
        {
          hs_call_direction: 'OUTBOUND',
          hs_call_status: 'NO_ANSWER',
          hs_call_disposition: '73a0d17f-1163-4015-bdd5-ec830791da20',
          hs_call_to_number: '+14079780655',
          hs_call_from_number: undefined,
        },
      ],
      [
        { direction: 'outbound', disconnection_reason: 'dial_busy' },
        { hs_call_status: 'BUSY', hs_call_disposition: '9d9162e7-6cf3-4944-bf63-4dff82258764' },
      ],
      [
        { direction: 'outbound', disconnection_reason: 'dial_failed' },
        { hs_call_status: 'FAILED', hs_call_disposition: undefined },
      ],
      [
        { direction: 'outbound', in_voicemail: true, disconnection_reason: 'voicemail_reached' },
        { hs_call_status: 'COMPLETED', hs_call_disposition: 'b2cf5968-551e-4856-9783-52b3da59a7d0' },
      ],
      [
        { direction: 'inbound', disconnection_reason: 'user_hangup' },
        {
          hs_call_direction: 'INBOUND',
          hs_call_status: 'COMPLETED',
          hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
          hs_call_from_number: '+14079780655',
        },
      ],
    ];
    for (const [over, want] of cases) {
      const props = (await rt.map('callLog', { call: unitCall(over), steps: { contact: { id: '1' } } })) as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) expect(props[k], `${JSON.stringify(over)} ${k}`).toBe(v);
    }
    const ctx = { call: unitCall({ direction: 'outbound', disconnection_reason: 'dial_no_answer' }), steps: { contact: { id: '1' } } };
    nock(API)
      .post('/crm/v3/objects/calls', (b) => b.properties.hs_call_direction === 'OUTBOUND' && b.properties.hs_call_status === 'NO_ANSWER')
      .reply(201, { id: '55', properties: {} });
    expect(await rt.execute('logCall', await rt.map('callLog', ctx), ctx)).toEqual({ id: '55' });
  });

  it("logCall copies the recording with Files v3 import-from-url, polls its task and points hs_call_recording_url at HubSpot's copy", async () => {
    const rt = oauthRuntime(hubspot);
    const ctx = { call: unitCall({ recording_url: 'https://media.retellai.com/rec/abc.wav' }), steps: { contact: { id: '9' } } };
    nock(API)
      .post('/files/v3/files/import-from-url/async', {
        url: 'https://media.retellai.com/rec/abc.wav',
        access: 'PUBLIC_NOT_INDEXABLE',
        folderPath: '/voice-recordings',
        name: 'call_call_unit_1.wav',
        duplicateValidationStrategy: 'RETURN_EXISTING',
        duplicateValidationScope: 'EXACT_FOLDER',
      })
      .reply(202, { id: 'task-1', links: { status: 'x' } });
    const base = {
      taskId: 'task-1',
      requestedAt: '2026-02-15T14:36:00Z',
      startedAt: '2026-02-15T14:36:00Z',
      completedAt: '2026-02-15T14:36:01Z',
    };
    nock(API)
      .get('/files/v3/files/import-from-url/async/tasks/task-1/status')
      .reply(200, { ...base, status: 'PROCESSING' });
    nock(API)
      .get('/files/v3/files/import-from-url/async/tasks/task-1/status')
      .reply(200, {
        ...base,
        status: 'COMPLETE',
        result: { id: '777', url: 'https://f.hubspotusercontent.net/hubfs/1/call_call_unit_1.wav' },
      });
    nock(API)
      .post(
        '/crm/v3/objects/calls',
        (b) =>
          b.properties.hs_call_recording_url === 'https://f.hubspotusercontent.net/hubfs/1/call_call_unit_1.wav' &&
          b.associations[0].to.id === '9',
      )
      .reply(201, { id: '88', properties: {} });
    expect(await rt.execute('logCall', await rt.map('callLog', ctx), ctx)).toEqual({ id: '88', recording_file_id: '777' });
  });

  it('logCall keeps the link, its expiry stated, when HubSpot cannot copy the recording', async () => {
    const rt = oauthRuntime(hubspot);
    const ctx = { call: unitCall({ recording_url: 'https://media.retellai.com/rec/gone.wav' }), steps: { contact: { id: '9' } } };
    nock(API).post('/files/v3/files/import-from-url/async').reply(202, { id: 'task-2', links: {} });
    nock(API)
      .get('/files/v3/files/import-from-url/async/tasks/task-2/status')
      .reply(200, { taskId: 'task-2', status: 'CANCELED', startedAt: 'x', completedAt: 'x', numErrors: 1 });
    nock(API)
      .post(
        '/crm/v3/objects/calls',
        (b) =>
          b.properties.hs_call_recording_url === 'https://media.retellai.com/rec/gone.wav' && /it expires/.test(b.properties.hs_call_body),
      )
      .reply(201, { id: '89', properties: {} });
    expect(await rt.execute('logCall', await rt.map('callLog', ctx), ctx)).toEqual({ id: '89' });
  });

  it('searches by E.164 phone, the digits-only copy and email; a hit is the contact', async () => {
    nock(API)
      .post('/crm/v3/objects/contacts/search', (b) => {
        expect(b).toEqual({
          filterGroups: [
            { filters: [{ propertyName: 'phone', operator: 'EQ', value: '+14079780655' }] },
            { filters: [{ propertyName: 'mobilephone', operator: 'EQ', value: '+14079780655' }] },
            { filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: '4079780655' }] },
            { filters: [{ propertyName: 'email', operator: 'EQ', value: 'jane@example.com' }] },
          ],
          properties: ['email', 'phone', 'firstname', 'lastname'],
          sorts: [],
          limit: 1,
          after: '0',
        });
        return true;
      })
      .matchHeader('authorization', 'Bearer at_unit_token')
      .reply(200, { total: 1, results: [{ id: '901', properties: {} }] });
    // The contact found gets the call's properties (every field 'overwrite' by default).
    nock(API)
      .patch('/crm/v3/objects/contacts/901', {
        properties: { email: 'jane@example.com', firstname: 'Jane', lastname: 'Smith', phone: '+14079780655' },
      })
      .reply(200, { id: '901', properties: {} });
    expect(await contactFor(unitCall())).toEqual({
      id: '901',
      created: false,
      updatedFields: ['email', 'firstname', 'lastname', 'phone'],
    });
  });

  it('upserts by email with string property values, custom field mappings included', async () => {
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    nock(API)
      .post('/crm/v3/objects/contacts/batch/upsert', {
        inputs: [
          {
            id: 'jane@example.com',
            idProperty: 'email',
            properties: {
              email: 'jane@example.com',
              firstname: 'Jane',
              lastname: 'Smith',
              phone: '+14079780655',
              hs_lead_status: 'appointment_booked',
              call_seconds: '300',
            },
          },
        ],
      })
      .reply(200, { status: 'COMPLETE', results: [{ id: '77', new: true, properties: {} }] });
    expect(await contactFor(unitCall(), { field_mappings: { call_outcome: 'hs_lead_status', duration_seconds: 'call_seconds' } })).toEqual({
      id: '77',
      created: true,
    });
  });

  it('without an email, creates; a 409 "Existing ID" resolves to that contact instead of failing', async () => {
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    nock(API)
      .post('/crm/v3/objects/contacts', { properties: { firstname: 'Jane', lastname: 'Smith', phone: '+14079780655' }, associations: [] })
      .reply(409, { status: 'error', message: 'Contact already exists. Existing ID: 4242', category: 'CONFLICT' });
    expect(await contactFor(unitCall({ customer_email: null }))).toEqual({ id: '4242', created: false });
  });

  it('reads the HubSpot quota headers into the limiter', async () => {
    const limiters = new Map<string, RateLimiter>();
    const rt = oauthRuntime(hubspot, { limiters });
    nock(API)
      .get('/crm/v3/properties/contacts')
      .reply(
        200,
        { results: [{ name: 'email', label: 'Email', type: 'string', fieldType: 'text' }] },
        { 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000', 'X-HubSpot-RateLimit-Max': '100' },
      );
    expect(await rt.execute('listFields', undefined, { call: {}, steps: {} })).toEqual({
      fields: [{ name: 'email', label: 'Email', type: 'string', fieldType: 'text' }],
    });
    expect(limiters.get('int_unit')!.delay()).toBeGreaterThan(9000);
  });

  it('rejects a pipeline without a stage at connect time', async () => {
    expect(() => oauthRuntime(hubspot, { config: { pipeline_id: 'default' } })).toThrow(/default_stage_id/);
  });
});
