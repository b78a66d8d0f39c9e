import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRuntime, createAuthStrategy, silentLogger, validateConfig, type Connector } from '@hub/core';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startHubspotSim, type HubspotSim } from '../../connectors/hubspot/sim/index.js';
import { startSalesforceSim, type SalesforceSim } from '../../connectors/salesforce/sim/index.js';
import { startHousecallproSim, type HousecallproSim } from '../../connectors/housecallpro/sim/index.js';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { contactStep, loadConnector, sampleCall } from '../helpers/connector.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { firstIntegrationDone } from '../helpers/fixtures.js';

const dir = (id: string) => fileURLToPath(new URL(`../../connectors/${id}`, import.meta.url));
type Modes = Record<string, 'overwrite' | 'fill_if_empty' | 'append'>;
type Rec = Record<string, unknown> & { id: string };

/** A runtime on a simulator with the tenant's field mappings and write modes, as the worker builds it. */
function runtime(
  c: Connector,
  opts: { config?: Record<string, unknown>; credentials: Record<string, string>; account?: Record<string, unknown> },
  fieldMappings: Record<string, string>,
  fieldModes: Modes,
): ConnectorRuntime {
  return new ConnectorRuntime(
    c,
    {
      view: { id: `int_${c.manifest.id}`, tenantId: 't', agentId: 'a', type: c.manifest.id, account: opts.account ?? {} },
      config: validateConfig(c.manifest, opts.config ?? {}),
      credentials: opts.credentials,
      fieldMappings,
      fieldModes,
    },
    {
      allowPrivateUrls: true,
      limiters: new Map(),
      logger: silentLogger,
      oauth: () => createAuthStrategy({ type: 'bearer', field: 'access_token' }, c.manifest.id),
    },
  );
}

/** Two calls of the same caller, then the second one again (a retry after a lost answer). */
async function syncTwiceAndRetry(rt: ConnectorRuntime): Promise<void> {
  const second = sampleCall({ customer_email: 'jane@new.example', call_summary: 'Asked for a second quote' });
  for (const call of [sampleCall({ customer_email: 'jane@new.example', call_summary: 'Wants a quote' }), second, second])
    await contactStep(rt, { call, steps: {} });
}

describe('write modes against each CRM simulator', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('Salesforce: fill_if_empty keeps the Lead’s email, append grows Description once per text, placeholders never overwrite', async () => {
    const sim: SalesforceSim = await startSalesforceSim();
    close = () => sim.close();
    const leads = sim.state.collection<Rec>('Lead');
    const lead = leads.insert({
      LastName: 'Diaz',
      Company: 'Diaz Roofing',
      Email: 'bo@old.example',
      Phone: '+14079780655',
      Description: 'Met at the fair',
      __searchableAt: 0,
    });
    const rt = runtime(
      await loadConnector(dir('salesforce')),
      { credentials: { access_token: sim.accessToken() }, account: { instance_url: sim.url } },
      { call_summary: 'Description' },
      { Email: 'fill_if_empty', Description: 'append' },
    );
    await syncTwiceAndRetry(rt);
    expect(leads.all()).toHaveLength(1);
    expect(leads.get(lead.id)).toMatchObject({
      Email: 'bo@old.example',
      LastName: 'Diaz',
      Company: 'Diaz Roofing',
      Description: 'Met at the fair\nWants a quote\nAsked for a second quote',
    });
    expect(sim.violations).toEqual([]);
  });

  it('HubSpot: fill_if_empty fills only the empty property, append once, overwrite replaces', async () => {
    const sim: HubspotSim = await startHubspotSim({ customProperties: { contacts: ['call_notes'] } });
    close = () => sim.close();
    const contacts = sim.state.collection<{ id: string; properties: Record<string, string> }>('contacts');
    const rt = runtime(
      await loadConnector(dir('hubspot'), sim.url),
      { credentials: { access_token: sim.accessToken() } },
      { call_summary: 'call_notes' },
      { email: 'fill_if_empty', firstname: 'fill_if_empty', call_notes: 'append' },
    );
    await contactStep(rt, {
      call: sampleCall({ customer_name: 'Jo Smith', customer_email: 'jo@old.example', call_summary: 'First' }),
      steps: {},
    });
    await syncTwiceAndRetry(rt);
    expect(contacts.all()).toHaveLength(1);
    expect(contacts.all()[0].properties).toMatchObject({
      email: 'jo@old.example',
      firstname: 'Jo',
      lastname: 'Smith',
      call_notes: 'First\nWants a quote\nAsked for a second quote',
    });
    expect(sim.violations).toEqual([]);
  });

  it('GoHighLevel: with a mode other than overwrite the contact is read and PUT, custom fields included', async () => {
    const sim: GohighlevelSim = await startGohighlevelSim();
    close = () => sim.close();
    const rt = runtime(
      await loadConnector(dir('gohighlevel'), sim.url),
      { config: { location_id: sim.locationId }, credentials: { api_key: sim.token } },
      { call_summary: 'call_outcome' },
      { email: 'fill_if_empty', call_outcome: 'append' },
    );
    await contactStep(rt, { call: sampleCall({ customer_email: 'jane@old.example', call_summary: 'First' }), steps: {} });
    await syncTwiceAndRetry(rt);
    const all = sim.contacts.all();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ email: 'jane@old.example' });
    expect(all[0].customFields).toEqual([{ id: 'cf_call_outcome', value: 'First\nWants a quote\nAsked for a second quote' }]);
    expect(sim.violations).toEqual([]);
  });

  it('Housecall Pro: the customer found is updated by PUT; lead_source is only filled, email kept, notes appended', async () => {
    const sim: HousecallproSim = await startHousecallproSim();
    close = () => sim.close();
    const rt = runtime(
      await loadConnector(dir('housecallpro'), sim.url),
      { credentials: { api_key: sim.apiKey } },
      { call_summary: 'notes' },
      { email: 'fill_if_empty', notes: 'append' },
    );
    await contactStep(rt, { call: sampleCall({ customer_email: 'jane@old.example', call_summary: 'First' }), steps: {} });
    sim.customers.update(sim.customers.all()[0].id, { lead_source: 'Referral' });
    await syncTwiceAndRetry(rt);
    expect(sim.customers.all()).toHaveLength(1);
    expect(sim.customers.all()[0]).toMatchObject({
      email: 'jane@old.example',
      lead_source: 'Referral',
      notes: 'First\nWants a quote\nAsked for a second quote',
    });
    expect(sim.violations).toEqual([]);
  });

  it('Pipedrive: the person found is read and PUT; email kept, custom field appended once, name overwritten', async () => {
    const sim: PipedriveSim = await startPipedriveSim();
    close = () => sim.close();
    const outcomeKey = 'a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5';
    const rt = runtime(
      await loadConnector(dir('pipedrive'), `${sim.url}/v1`),
      { credentials: { api_key: sim.apiToken } },
      { call_summary: outcomeKey },
      { email: 'fill_if_empty', [outcomeKey]: 'append', name: 'overwrite' },
    );
    await contactStep(rt, {
      call: sampleCall({ customer_name: 'J Smith', customer_email: 'jane@old.example', call_summary: 'First' }),
      steps: {},
    });
    await syncTwiceAndRetry(rt);
    expect(sim.persons.all()).toHaveLength(1);
    expect(sim.persons.all()[0]).toMatchObject({
      name: 'Jane Smith',
      email: [{ value: 'jane@old.example', primary: true }],
      phone: [{ value: '+14079780655', primary: true, label: 'mobile' }],
      [outcomeKey]: 'First\nWants a quote\nAsked for a second quote',
    });
    expect(sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(sim.violations).toEqual([]);
  });
});

describe('write modes through the API', () => {
  let hub: TestHub;
  let sim: GohighlevelSim;
  beforeAll(async () => {
    sim = await startGohighlevelSim();
    hub = await startTestHub(
      { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: sim.url } }) },
      { connectors: ['gohighlevel'] },
    );
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });
  const connect = (field_modes: unknown) =>
    hub.api('POST', '/api/agents/agent_modes/integrations/connect', {
      type: 'gohighlevel',
      api_key: sim.token,
      config: { location_id: sim.locationId },
      field_mappings: { call_summary: 'call_outcome' },
      field_modes,
    });

  it('refuses a mode that does not exist, naming the field and the modes; stores, shows and dry-runs the valid ones; the sync applies them', async () => {
    const bad = await connect({ email: 'keep_old' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toMatch(/field_modes\.email$/);
    expect(bad.body.message).toMatch(/overwrite.*fill_if_empty.*append/);
    const ok = await connect({ email: 'fill_if_empty', call_outcome: 'append' });
    expect(ok.status).toBe(201);
    expect(ok.body.field_modes).toEqual({ email: 'fill_if_empty', call_outcome: 'append' });
    const put = await hub.api('PUT', `/api/agents/agent_modes/integrations/${ok.body.id}`, { field_modes: { email: 'sometimes' } });
    expect(put.status).toBe(400);
    expect(put.body.field).toMatch(/field_modes\.email$/);

    const preview = await hub.api('POST', `/api/agents/agent_modes/integrations/${ok.body.id}/mappings/preview`, {});
    expect(preview.status).toBe(200);
    expect(preview.body.steps.contact.modes).toMatchObject({ email: 'fill_if_empty', call_outcome: 'append', firstName: 'overwrite' });

    sim.contacts.insert({ id: 'c_known', locationId: sim.locationId, phone: '+14079780655', email: 'jane@old.example', customFields: [] });
    const post = (id: string, summary: string) =>
      hub.api('POST', '/api/agents/agent_modes/calls', {
        call_id: id,
        customer_name: 'Jane Smith',
        customer_phone: '+14079780655',
        customer_email: 'jane@new.example',
        call_outcome: 'message_taken',
        call_summary: summary,
      });
    await post('modes_1', 'Wants a quote');
    await firstIntegrationDone(hub.api, 'agent_modes', 'modes_1');
    await post('modes_2', 'Wants a quote');
    await firstIntegrationDone(hub.api, 'agent_modes', 'modes_2');
    const [contact] = sim.contacts.all();
    expect(sim.contacts.all()).toHaveLength(1);
    expect(contact).toMatchObject({ email: 'jane@old.example', firstName: 'Jane' });
    expect(contact.customFields).toEqual([{ id: 'cf_call_outcome', value: 'Wants a quote' }]);
    expect(sim.violations).toEqual([]);
  });
});
