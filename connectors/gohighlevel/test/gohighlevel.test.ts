import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Connector } from '@hub/core';
import type { StepName } from '../../../test/helpers/connector.js';
import { startGohighlevelSim, type GohighlevelSim } from '../sim/index.js';
import { connectorRuntime, contactStep, loadConnector, runSteps, sampleCall } from '../../../test/helpers/connector.js';

const DIR = fileURLToPath(new URL('..', import.meta.url));
const STEPS: StepName[] = ['note', 'appointment', 'workflow', 'opportunity'];

/** A weekday at least a week ahead, so the simulator's calendar (Mon-Fri 09:00-17:00 New York) has slots. */
function futureWeekday(): string {
  const d = new Date(Date.now() + 8 * 86_400_000);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

let sim: GohighlevelSim;
let connector: Connector;
const fullConfig = () => ({
  location_id: sim.locationId,
  calendar_id: 'cal_sim_1',
  user_id: 'user_sim_1',
  workflow_id: 'wf_sim_1',
  pipeline_id: 'pipe_sim_1',
  pipeline_stage_id: 'stage_booked',
});

beforeAll(async () => {
  sim = await startGohighlevelSim();
  connector = await loadConnector(DIR, sim.url);
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('gohighlevel connector against the simulator', () => {
  it('accepts the original spec connect config as written and tests the connection', async () => {
    const rt = connectorRuntime(connector, { config: { location_id: sim.locationId }, credentials: { api_key: sim.token } });
    const out = await rt.execute('testConnection', undefined, { call: sampleCall(), steps: {} });
    expect(out).toMatchObject({ ok: true, location_id: sim.locationId });
    expect(sim.requests[0].headers).toMatchObject({ authorization: `Bearer ${sim.token}`, version: '2021-07-28' });
    expect(sim.violations).toEqual([]);
  });

  it('findContact reads GET /contacts/search/duplicate by phone (never upserting): the contact or null', async () => {
    const rt = connectorRuntime(connector, { config: { location_id: sim.locationId }, credentials: { api_key: sim.token } });
    const ctx = { call: sampleCall({ customer_phone: '+14155550555', customer_email: null }), steps: {} as Record<string, unknown> };
    expect(await rt.execute('findContact', await rt.map('contact', ctx), ctx)).toBeNull();
    const made = await contactStep(rt, ctx);
    expect(await rt.execute('findContact', await rt.map('contact', ctx), ctx)).toMatchObject({
      id: made.id,
      firstName: 'Jane',
      lastName: 'Smith',
      phone: '+14155550555',
    });
    const finds = sim.requests.filter((r) => r.path === '/contacts/search/duplicate');
    expect(finds).toHaveLength(2);
    expect(finds[0].query).toMatchObject({ locationId: sim.locationId, number: '+14155550555' });
    expect(sim.violations).toEqual([]);
  });

  it('runs every step: upsert, note for user_id, appointment on a free slot, workflow, opportunity in the stage', async () => {
    const date = futureWeekday();
    const call = sampleCall({ appointment_booked: { date, time: '14:00', timezone: 'America/New_York', durationMinutes: 30 } });
    const rt = connectorRuntime(connector, { config: fullConfig(), credentials: { api_key: sim.token } });
    const ctx = { call, steps: {} as Record<string, unknown> };
    await contactStep(rt, ctx);
    await runSteps(rt, ctx, STEPS);
    expect(ctx.steps.contact).toMatchObject({ new: true });
    expect(sim.contacts.all()[0]).toMatchObject({
      firstName: 'Jane',
      lastName: 'Smith',
      phone: '+14079780655',
      email: 'jane@example.com',
      source: 'AI phone call',
    });
    expect(sim.notes.all()[0]).toMatchObject({ userId: 'user_sim_1', contactId: (ctx.steps.contact as { id: string }).id });
    expect(String(sim.notes.all()[0].body)).toContain('Customer scheduled roof inspection');
    expect(ctx.steps.appointment).toMatchObject({ startTime: `${date}T14:00:00-05:00` });
    expect(ctx.steps.appointment).not.toHaveProperty('rescheduled');
    expect(sim.appointments.all()[0]).toMatchObject({ calendarId: 'cal_sim_1', assignedUserId: 'user_sim_1' });
    expect(sim.enrollments.all()[0]).toMatchObject({ workflowId: 'wf_sim_1' });
    expect(sim.opportunities.all()[0]).toMatchObject({ pipelineId: 'pipe_sim_1', pipelineStageId: 'stage_booked', status: 'open' });
    const calendarCalls = sim.requests.filter((r) => r.path.startsWith('/calendars'));
    expect(calendarCalls.map((r) => r.headers.version)).toEqual(['2021-04-15', '2021-04-15']);
    expect(sim.requests.filter((r) => !r.path.startsWith('/calendars')).every((r) => r.headers.version === '2021-07-28')).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it('books the next free slot when the requested one is taken, and says so', async () => {
    const date = futureWeekday();
    const appt = { date, time: '10:00', timezone: 'America/New_York', durationMinutes: 30 };
    const rt = connectorRuntime(connector, { config: fullConfig(), credentials: { api_key: sim.token } });
    for (const phone of ['+14155550101', '+14155550102']) {
      const ctx = {
        call: sampleCall({ customer_phone: phone, customer_email: null, appointment_booked: appt }),
        steps: {} as Record<string, unknown>,
      };
      await contactStep(rt, ctx);
      ctx.steps.appointment = await rt.execute('bookAppointment', await rt.map('appointment', ctx), ctx);
      if (phone.endsWith('2')) expect(ctx.steps.appointment).toMatchObject({ rescheduled: true, startTime: `${date}T10:30:00-05:00` });
    }
    expect(sim.appointments.size).toBe(2);
    expect(sim.violations).toEqual([]);
  });

  it('turns simple field mappings to unknown fields into customFields by id (config or connection mappings)', async () => {
    const call = sampleCall({ call_outcome: 'qualified_lead', service_requested: 'roof' });
    const rt = connectorRuntime(connector, {
      config: { location_id: sim.locationId, field_mappings: { call_sentiment: 'contact.sentiment' } },
      credentials: { api_key: sim.token },
      fieldMappings: { call_outcome: 'call_outcome', service_requested: 'no_such_field', customer_name: 'companyName' },
    });
    const ctx = { call, steps: {} };
    const out = await rt.execute('upsertContact', await rt.map('contact', ctx), ctx);
    expect(out).toMatchObject({ unmatchedFields: ['no_such_field'] });
    const c = sim.contacts.all()[0];
    expect(c.companyName).toBe('Jane Smith');
    expect(c.customFields).toEqual(
      expect.arrayContaining([
        { id: 'cf_call_outcome', value: 'qualified_lead' },
        { id: 'cf_sentiment', value: 'positive' },
      ]),
    );
    expect(sim.violations).toEqual([]);
  });

  it('lists custom fields, and records a duplicate opportunity instead of failing', async () => {
    const rt = connectorRuntime(connector, { config: fullConfig(), credentials: { api_key: sim.token } });
    const fields = (await rt.execute('listFields', undefined, { call: sampleCall(), steps: {} })) as Array<Record<string, unknown>>;
    expect(fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'call_outcome', id: 'cf_call_outcome', object: 'contact' })]),
    );
    const ctx = { call: sampleCall(), steps: {} as Record<string, unknown> };
    await contactStep(rt, ctx);
    expect(await rt.execute('createOpportunity', await rt.map('opportunity', ctx), ctx)).toHaveProperty('id');
    expect(await rt.execute('createOpportunity', await rt.map('opportunity', ctx), ctx)).toMatchObject({ duplicate: true });
    expect(sim.opportunities.size).toBe(1);
  });

  it('skips workflow, opportunity and appointment when their config is absent', async () => {
    const rt = connectorRuntime(connector, { config: { location_id: sim.locationId }, credentials: { api_key: sim.token } });
    const ctx = { call: sampleCall(), steps: {} };
    for (const op of ['bookAppointment', 'triggerWorkflow', 'createOpportunity'] as const) expect(await rt.applies(op, ctx)).toBe(false);
  });

  it('an invalid token is an auth failure that never shows the token', async () => {
    const rt = connectorRuntime(connector, { config: { location_id: sim.locationId }, credentials: { api_key: 'pit-wrong-token-123456' } });
    const err = await rt.execute('testConnection', undefined, { call: sampleCall(), steps: {} }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'HUB_ERR_CRM_AUTH' });
    expect(JSON.stringify(err)).not.toContain('pit-wrong-token-123456');
  });
});
