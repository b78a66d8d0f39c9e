import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Connector } from '@hub/core';
import { startHousecallproSim, type HousecallproSim } from '../sim/index.js';
import { connectorRuntime, contactStep, loadConnector, runSteps, sampleCall } from '../../../test/helpers/connector.js';
import { ianaZone } from '../src/company-zone.js';

const DIR = fileURLToPath(new URL('..', import.meta.url));
let sim: HousecallproSim;
let connector: Connector;
const runtime = (config: Record<string, unknown> = {}) =>
  connectorRuntime(connector, { config: { default_employee_id: 'pro_sim_1', ...config }, credentials: { api_key: sim.apiKey } });
const availability = async (config?: Record<string, unknown>) =>
  (await runtime(config).execute('getAvailability', { date: '2030-01-08' }, { call: sampleCall(), steps: {} })) as {
    timezone: string;
    slots: string[];
  };
const companyReads = () => sim.requests.filter((r) => r.path === '/company').length;

beforeAll(async () => {
  sim = await startHousecallproSim({ company: { id: 'company_west', name: 'West Coast Plumbing', time_zone: 'America/Los_Angeles' } });
  connector = await loadConnector(DIR, sim.url);
});
afterAll(async () => sim.close());
beforeEach(() => {
  sim.reset();
  sim.options.company.time_zone = 'America/Los_Angeles';
});

describe('housecallpro time zone', () => {
  it('without config.timezone, availability uses the zone GET /company reports, read once', async () => {
    const free = await availability();
    expect(free.timezone).toBe('America/Los_Angeles');
    expect(free.slots[0]).toBe('2030-01-08T08:00:00-08:00');
    expect(companyReads()).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it("the tenant's timezone wins and the company is not asked", async () => {
    const free = await availability({ timezone: 'America/Chicago' });
    expect([free.timezone, free.slots[0]]).toEqual(['America/Chicago', '2030-01-08T08:00:00-06:00']);
    expect(companyReads()).toBe(0);
  });

  it('a Rails zone name is mapped; an unknown or missing zone falls back to America/New_York', async () => {
    sim.options.company.time_zone = 'Pacific Time (US & Canada)';
    expect((await availability()).timezone).toBe('America/Los_Angeles');
    sim.options.company.time_zone = 'Middle Earth';
    expect((await availability()).timezone).toBe('America/New_York');
    expect([ianaZone(undefined), ianaZone(''), ianaZone('Europe/Paris'), ianaZone('Central Time (US & Canada)')]).toEqual([
      undefined,
      undefined,
      'Europe/Paris',
      'America/Chicago',
    ]);
  });

  it("a synced call never reads the company: the job is scheduled in the appointment's own zone", async () => {
    const rt = runtime();
    const ctx = {
      call: sampleCall({
        address: '742 Evergreen Terrace, Springfield, IL 62704',
        appointment_booked: { date: '2030-01-08', time: '09:00', timezone: 'America/Chicago' },
      }),
      steps: {} as Record<string, unknown>,
    };
    await contactStep(rt, ctx);
    await runSteps(rt, ctx, ['job', 'note']);
    expect(sim.jobs.all()[0].schedule).toMatchObject({ scheduled_start: '2030-01-08T15:00:00.000Z' });
    expect(companyReads()).toBe(0);
  });
});
