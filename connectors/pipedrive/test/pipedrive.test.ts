import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { startPipedriveSim, type PipedriveSim } from '../sim/index.js';
import {
  connectorRuntime,
  contactStep,
  loadConnector,
  runSteps,
  sampleCall,
  type Connector,
  type StepName,
} from '../../../test/helpers/connector.js';

const DIR = fileURLToPath(new URL('..', import.meta.url));
const STEPS: StepName[] = ['note', 'appointment', 'opportunity'];

let sim: PipedriveSim;
let connector: Connector;
const runtime = (config: Record<string, unknown> = {}) => connectorRuntime(connector, { config, credentials: { api_key: sim.apiToken } });

beforeAll(async () => {
  sim = await startPipedriveSim();
  connector = await loadConnector(DIR, `${sim.url}/v1`);
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('pipedrive: a connector with no code', () => {
  it('has no hooks and no source folder: the manifest is the whole connector', async () => {
    expect(connector.manifest.hooks ?? []).toEqual([]);
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.hub).toEqual({ connector: './manifest.json' });
  });

  it('tests the connection with x-api-token', async () => {
    expect(await runtime().execute('testConnection', undefined, { call: sampleCall(), steps: {} })).toMatchObject({
      ok: true,
      user: 'Sim Owner',
    });
    expect(sim.requests[0].headers['x-api-token']).toBe(sim.apiToken);
    expect(sim.requests[0].query).not.toHaveProperty('api_token');
  });

  it('booked call: person created, note, meeting activity at the booked time in UTC, deal', async () => {
    const rt = runtime({ stage_id: 2 });
    const ctx = {
      call: sampleCall({ appointment_booked: { date: '2026-02-20', time: '14:00', timezone: 'America/New_York', durationMinutes: 90 } }),
      steps: {} as Record<string, unknown>,
    };
    await contactStep(rt, ctx);
    await runSteps(rt, ctx, STEPS);
    expect(sim.persons.all()[0]).toMatchObject({
      name: 'Jane Smith',
      phone: [{ value: '+14079780655', primary: true, label: 'mobile' }],
      primary_email: 'jane@example.com',
    });
    expect(String(sim.notes.all()[0].content)).toContain('Outcome: appointment_booked<br>');
    expect(sim.activities.all()[0]).toMatchObject({ type: 'meeting', due_date: '2026-02-20', due_time: '19:00', duration: '01:30' });
    expect(sim.deals.all()[0]).toMatchObject({ title: 'Jane Smith - AI call', stage_id: 2, status: 'open' });
    expect(sim.violations).toEqual([]);
  });

  it('finds the person by phone on the next call, else by email; no deal for other outcomes', async () => {
    const rt = runtime();
    const first = { call: sampleCall(), steps: {} as Record<string, unknown> };
    const made = await contactStep(rt, first);
    const byPhone = { call: sampleCall({ call_outcome: 'message_taken', customer_email: null }), steps: {} as Record<string, unknown> };
    // A person found is written onto by the write modes; nothing differs here, so nothing is PUT.
    expect(await contactStep(rt, byPhone)).toEqual({ ...made, created: false, updatedFields: [] });
    const byEmail = { call: sampleCall({ customer_phone: null }), steps: {} as Record<string, unknown> };
    expect(await contactStep(rt, byEmail)).toEqual({ ...made, created: false, updatedFields: [] });
    await runSteps(rt, byPhone, STEPS);
    expect(sim.persons.size).toBe(1);
    expect(sim.deals.size).toBe(0);
    expect(sim.notes.size).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it("a lost note is recovered beyond the first page of the person's notes (declared http.pagination)", async () => {
    const rt = runtime();
    const ctx = { call: sampleCall(), steps: {} as Record<string, unknown> };
    await contactStep(rt, ctx);
    const input = await rt.map('note', ctx);
    const written = (await rt.execute('addNote', input, ctx)) as { id: unknown };
    // 120 newer notes on the person push the call's note onto the second page of 100.
    const { id: _id, ...note } = sim.notes.all()[0];
    for (let i = 0; i < 120; i++) sim.notes.insert({ ...note, content: `another note ${i}` });
    sim.requests.length = 0;
    expect(await rt.recover('addNote', input, ctx)).toEqual({ id: written.id });
    expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.query.start)).toEqual(['0', '100']);
    expect(sim.violations).toEqual([]);
  });

  it('lists person fields with their 40-hex custom keys', async () => {
    const fields = (await runtime().execute('listFields', undefined, { call: sampleCall(), steps: {} })) as Array<Record<string, unknown>>;
    expect(fields).toEqual(
      expect.arrayContaining([{ name: 'a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5', label: 'Call outcome', type: 'varchar', custom: true }]),
    );
  });
});
