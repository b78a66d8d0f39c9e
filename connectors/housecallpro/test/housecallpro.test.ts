import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Connector } from '@hub/core';
import { startHousecallproSim, type HousecallproSim } from '../sim/index.js';
import { connectorRuntime, contactStep, loadConnector, runSteps, sampleCall, type StepName } from '../../../test/helpers/connector.js';
import { parseAddress } from '../src/address.js';

const DIR = fileURLToPath(new URL('..', import.meta.url));
const STEPS: StepName[] = ['job', 'note'];
const ADDRESS = '742 Evergreen Terrace, Springfield, IL 62704';

let sim: HousecallproSim;
let connector: Connector;
const runtime = (config: Record<string, unknown> = { default_employee_id: 'pro_sim_1' }) =>
  connectorRuntime(connector, { config, credentials: { api_key: sim.apiKey } });

async function sync(call: Record<string, unknown>, config?: Record<string, unknown>) {
  const rt = runtime(config);
  const ctx = { call, steps: {} as Record<string, unknown> };
  await contactStep(rt, ctx);
  return runSteps(rt, ctx, STEPS);
}

beforeAll(async () => {
  sim = await startHousecallproSim();
  connector = await loadConnector(DIR, sim.url);
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('housecallpro connector against the simulator', () => {
  it('authenticates with "Token <key>" and tests the connection', async () => {
    expect(await runtime().execute('testConnection', undefined, { call: sampleCall(), steps: {} })).toMatchObject({ ok: true });
    expect(sim.requests[0].headers.authorization).toBe(`Token ${sim.apiKey}`);
    expect(sim.violations).toEqual([]);
  });

  it('booked call: customer created with its address, a scheduled job for the default employee, the summary as a job note', async () => {
    const steps = await sync(
      sampleCall({ address: ADDRESS, appointment_booked: { date: '2030-01-08', time: '09:00', timezone: 'America/Chicago' } }),
    );
    const customer = sim.customers.all()[0];
    expect(customer).toMatchObject({ first_name: 'Jane', last_name: 'Smith', mobile_number: '+14079780655', email: 'jane@example.com' });
    expect(customer.addresses[0]).toMatchObject({
      street: '742 Evergreen Terrace',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      country: 'US',
    });
    const job = sim.jobs.all()[0];
    // 09:00 in Chicago is 15:00 UTC; the default slot is 120 minutes.
    expect(job.schedule).toMatchObject({ scheduled_start: '2030-01-08T15:00:00.000Z', scheduled_end: '2030-01-08T17:00:00.000Z' });
    expect(job).toMatchObject({
      address: { id: customer.addresses[0].id },
      work_status: 'scheduled',
      assigned_employees: [expect.objectContaining({ id: 'pro_sim_1' })],
    });
    expect(job.notes[0].content).toContain('Customer scheduled roof inspection');
    expect(steps.note).toMatchObject({ on: 'job' });
    expect(sim.violations).toEqual([]);
  });

  it('finds an existing customer by phone in another format, adds the call address, and puts the job there', async () => {
    const existing = sim.customers.insert({
      id: 'cus_known',
      first_name: 'Jane',
      mobile_number: '(407) 978-0655',
      addresses: [{ id: 'adr_old', street: '1 Old Rd', city: 'X', state: 'FL', zip: '32801', country: 'US' }],
    });
    await sync(
      sampleCall({
        customer_email: null,
        customer_address: ADDRESS,
        appointment_booked: { date: '2030-01-08', time: '13:00', timezone: 'America/New_York' },
      }),
    );
    expect(sim.customers.size).toBe(1);
    const addresses = sim.customers.get(existing.id)!.addresses;
    expect(addresses.map((a) => a.street)).toEqual(['1 Old Rd', '742 Evergreen Terrace']);
    expect(sim.jobs.all()[0].address).toMatchObject({ id: addresses[1].id });
    expect(sim.requests.find((r) => r.method === 'GET' && r.path === '/customers')?.query).toMatchObject({ q: '4079780655' });
    expect(sim.violations).toEqual([]);
  });

  it('finds by email when the phone finds nothing', async () => {
    sim.customers.insert({ id: 'cus_mail', first_name: 'Jane', email: 'JANE@example.com', addresses: [] });
    const rt = runtime();
    const ctx = { call: sampleCall({ customer_phone: '+14155550000' }), steps: {} as Record<string, unknown> };
    expect(await contactStep(rt, ctx)).toMatchObject({ id: 'cus_mail' });
  });

  it('no appointment: no job, and the note goes on the customer, once', async () => {
    const call = sampleCall({ call_outcome: 'message_taken' });
    const first = await sync(call);
    expect(first.job).toBeUndefined();
    expect(first.note).toMatchObject({ on: 'customer', appended: true });
    const rt = runtime();
    const ctx = { call, steps: { contact: first.contact } as Record<string, unknown> };
    expect(await rt.execute('addNote', await rt.map('note', ctx), ctx)).toMatchObject({ appended: false });
    expect(sim.jobs.size).toBe(0);
    expect(String(sim.customers.all()[0].notes)).toContain('Customer scheduled roof inspection');
    expect(sim.violations).toEqual([]);
  });

  it('a booked call with no address anywhere records the job as not created and notes the customer', async () => {
    const steps = await sync(sampleCall({ appointment_booked: { date: '2030-01-08', time: '09:00', timezone: 'America/New_York' } }));
    expect(steps.job).toMatchObject({ id: null, created: false });
    expect(steps.note).toMatchObject({ on: 'customer' });
    expect(sim.jobs.size).toBe(0);
    expect(sim.violations).toEqual([]);
  });

  it("availability: business hours in slots of 120 minutes minus the employee's scheduled jobs", async () => {
    await sync(sampleCall({ address: ADDRESS, appointment_booked: { date: '2030-01-08', time: '10:00', timezone: 'America/New_York' } }));
    const rt = runtime({ default_employee_id: 'pro_sim_1', timezone: 'America/New_York' });
    const free = (await rt.execute('getAvailability', { date: '2030-01-08' }, { call: sampleCall(), steps: {} })) as { slots: string[] };
    expect(free.slots.map((s) => s.slice(11, 16))).toEqual(['08:00', '12:00', '14:00', '16:00']);
    const other = runtime({ default_employee_id: 'pro_sim_2' });
    expect(
      ((await other.execute('getAvailability', { date: '2030-01-08' }, { call: sampleCall(), steps: {} })) as { slots: string[] }).slots,
    ).toHaveLength(5);
    expect(sim.violations).toEqual([]);
  });
});

describe('parseAddress', () => {
  it('reads the usual spoken shapes and objects', () => {
    expect(parseAddress('12 Oak St, Apt 4, Austin, tx 78701, USA')).toEqual({
      street: '12 Oak St, Apt 4',
      city: 'Austin',
      state: 'TX',
      zip: '78701',
      country: 'USA',
    });
    expect(parseAddress({ street: '1 A St', city: 'B', state: 'CA', zip: '90001' })).toEqual({
      street: '1 A St',
      city: 'B',
      state: 'CA',
      zip: '90001',
    });
    expect(parseAddress('somewhere near the lake')).toEqual({ street: 'somewhere near the lake' });
    expect(parseAddress('')).toBeUndefined();
  });
});
