import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startSalesforceSim, type SalesforceSim } from '@hub/connector-salesforce/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, callDone, connectOAuth, sampleCall } from '../helpers/oauth.js';

// The booking route finds or creates the customer first, so the meeting or Event is on their record.
let hs: HubspotSim;
let sf: SalesforceSim;
let hub: TestHub;
type Rec = Record<string, unknown> & { id: string; properties?: Record<string, string> };
const booking = { title: 'Roof inspection', date: '2026-03-03', time: '14:00', timezone: 'America/New_York', durationMinutes: 60 };
const customer = { customer_name: 'Ada Lovelace', customer_email: 'ada@example.com', customer_phone: '(407) 555-0199' };

beforeAll(async () => {
  hs = await startHubspotSim();
  sf = await startSalesforceSim();
  hub = await startTestHub(
    {
      HUB_PUBLIC_URL: PUBLIC_URL,
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({
        hubspot: { baseUrl: hs.url, authorizeUrl: `${hs.url}/oauth/authorize`, tokenUrl: `${hs.url}/oauth/v1/token` },
        salesforce: { authorizeUrl: `${sf.url}/services/oauth2/authorize`, tokenUrl: `${sf.url}/services/oauth2/token` },
      }),
      HUB_OAUTH_HUBSPOT_CLIENT_ID: 'hubspot-client',
      HUB_OAUTH_HUBSPOT_CLIENT_SECRET: 'hubspot-secret',
      HUB_OAUTH_SALESFORCE_CLIENT_ID: 'sf-client',
      HUB_OAUTH_SALESFORCE_CLIENT_SECRET: 'sf-secret',
    },
    { connectors: ['hubspot', 'salesforce'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await hs?.close();
  await sf?.close();
});
afterEach(() => {
  expect(hs.violations).toEqual([]);
  expect(sf.violations).toEqual([]);
});

describe('booking through the route links a contact', () => {
  it('HubSpot: the meeting is associated with a contact found or created for the customer; a later call finds the same contact', async () => {
    await connectOAuth(hub, hub.api, 'agent_book_hs', { type: 'hubspot' });
    const res = await hub.api('POST', '/api/agents/agent_book_hs/integrations/hubspot/book', { ...booking, ...customer });
    expect(res.status).toBe(201);
    const contacts = hs.state.collection<Rec>('contacts').all();
    expect(contacts).toHaveLength(1);
    expect(contacts[0].properties).toMatchObject({
      email: 'ada@example.com',
      phone: '+14075550199',
      firstname: 'Ada',
      lastname: 'Lovelace',
    });
    expect(res.body).toMatchObject({ booked: true, contact_id: contacts[0].id, appointment: { id: expect.any(String) } });
    const links = hs.state
      .collection<{ fromType: string; fromId: string; toType: string; toId: string }>('associations')
      .find((a) => a.fromType === 'contacts' && a.toType === 'meetings');
    expect(links).toEqual([expect.objectContaining({ fromId: contacts[0].id, toId: res.body.appointment.id })]);

    await hub.api(
      'POST',
      '/api/agents/agent_book_hs/calls',
      sampleCall('book_hs_call', { customer_phone: '+14075550199', customer_email: null, appointment_booked: null }),
    );
    expect((await callDone(hub.api, 'agent_book_hs', 'book_hs_call')).integrations[0].status).toBe('succeeded');
    expect(hs.state.collection('contacts').size).toBe(1);
  });

  it('HubSpot: a booking without phone or email makes no contact and an unassociated meeting', async () => {
    const before = hs.state.collection('contacts').size;
    const res = await hub.api('POST', '/api/agents/agent_book_hs/integrations/hubspot/book', {
      ...booking,
      time: '16:00',
      customer_name: 'Nobody',
    });
    expect(res.status).toBe(201);
    expect(res.body.contact_id).toBeUndefined();
    expect(hs.state.collection('contacts').size).toBe(before);
  });

  it('Salesforce: the Event carries the WhoId of the Lead found or created for the customer', async () => {
    await connectOAuth(hub, hub.api, 'agent_book_sf', { type: 'salesforce' });
    const res = await hub.api('POST', '/api/agents/agent_book_sf/integrations/salesforce/book', { ...booking, ...customer });
    expect(res.status).toBe(201);
    const leads = sf.state.collection<Rec>('Lead').all();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ Email: 'ada@example.com', LastName: 'Lovelace' });
    expect(sf.state.collection<Rec>('Event').all()).toEqual([
      expect.objectContaining({ id: res.body.appointment.id, WhoId: leads[0].id, StartDateTime: '2026-03-03T19:00:00Z' }),
    ]);
    expect(res.body.contact_id).toBe(leads[0].id);
    // Booking again for the same customer reuses the Lead.
    await hub.api('POST', '/api/agents/agent_book_sf/integrations/salesforce/book', { ...booking, time: '15:00', ...customer });
    expect(sf.state.collection('Lead').size).toBe(1);
    expect(
      sf.state
        .collection<Rec>('Event')
        .all()
        .every((e) => e.WhoId === leads[0].id),
    ).toBe(true);
  });
});
