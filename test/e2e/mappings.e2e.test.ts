import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSim } from '@hub/connector-pipedrive/sim';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

type Sim = Awaited<ReturnType<typeof startPipedriveSim>>;
let sim: Sim;
let hub: TestHub;
let id: string;
const OUTCOME_FIELD = 'a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5';

beforeAll(async () => {
  sim = await startPipedriveSim();
  hub = await startTestHub(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ pipedrive: { baseUrl: `${sim.url}/v1` } }) },
    { connectors: ['pipedrive', 'zapier'] },
  );
  const res = await hub.api('POST', '/api/agents/agent_map/integrations/connect', {
    type: 'pipedrive',
    api_key: sim.apiToken,
    field_mappings: { call_outcome: OUTCOME_FIELD },
  });
  expect(res.status).toBe(201);
  id = res.body.id;
});
afterAll(async () => {
  await hub?.close();
  await sim?.close();
});

describe('tenants editing mappings', () => {
  it('GET …/fields lists the CRM’s own fields (by id or by type)', async () => {
    const res = await hub.api('GET', '/api/agents/agent_map/integrations/pipedrive/fields');
    expect(res.status).toBe(200);
    expect(res.body.integration_id).toBe(id);
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'email' }),
        expect.objectContaining({ name: OUTCOME_FIELD, label: 'Call outcome', custom: true }),
      ]),
    );
  });

  it('a preview shows what each step would send, with the simple field mapping on the contact, and sends nothing', async () => {
    const before = sim.requests.filter((r) => r.method === 'POST').length;
    const res = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, {
      call: sampleCall('call_preview', { call_outcome: 'qualified_lead' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toEqual({});
    expect(res.body.steps.contact.input).toMatchObject({ name: 'Jane Smith', [OUTCOME_FIELD]: 'qualified_lead' });
    expect(res.body.steps.note.input.content).toContain('Customer scheduled roof inspection');
    expect(res.body.steps.note.input.person_id).toBe(100000001); // the preview's placeholder contact
    expect(sim.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });

  it('proposed mappings replace the stored ones only in the preview; a runtime failure is reported per step', async () => {
    const res = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, {
      mappings: { contact: "{ 'name': $uppercase(call.customer_name) }", note: "$error('no notes today')" },
      field_mappings: {},
    });
    expect(res.body.steps.contact.input).toEqual({ name: 'JANE SMITH' });
    expect(res.body.errors.note).toContain('no notes today');
    const stored = await hub.api('GET', `/api/agents/agent_map/integrations/${id}`);
    expect(stored.body.mappings).toEqual({});
  });

  it('check_fields names field_mappings targets the CRM does not have', async () => {
    const res = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, {
      field_mappings: { call_outcome: OUTCOME_FIELD, call_sentiment: 'sentiment_typo' },
      check_fields: true,
    });
    expect(res.body.unknown_fields).toEqual(['sentiment_typo']);
  });

  it('bad input answers 400 naming the field', async () => {
    const bad = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, { mappings: { contact: '{{' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('mappings.contact');
    const unknown = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, { mappings: { teleport: '1' } });
    expect(unknown.body.field).toBe('mappings.teleport');
    const badCall = await hub.api('POST', `/api/agents/agent_map/integrations/${id}/mappings/preview`, {
      call: { call_id: 'x', customer_email: 'nope' },
    });
    expect(badCall.body.field).toBe('body.call.customer_email');
  });

  it('a connector without a field list says so; another tenant sees 404', async () => {
    const zap = await hub.api('POST', '/api/agents/agent_map/integrations/connect', {
      type: 'zapier',
      webhook_url: 'http://127.0.0.1:9/hooks/catch/1/a/',
      test: false,
    });
    const res = await hub.api('GET', `/api/agents/agent_map/integrations/${zap.body.id}/fields`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('HUB_ERR_CAPABILITY');
    const preview = await hub.api('POST', `/api/agents/agent_map/integrations/${zap.body.id}/mappings/preview`, {});
    expect(preview.body.steps.event.input).toMatchObject({
      action: 'call_completed',
      call: expect.objectContaining({ customer_name: 'Jane Smith' }),
    });
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/agent_map/integrations/${id}/fields`)).status).toBe(404);
  });
});
