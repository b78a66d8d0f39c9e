import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRuntime, HubError, RateLimiter, Registry, silentLogger, validateConfig, type Connector } from '@hub/core';
import { startRetellSim, type RetellSim } from '../../connectors/retell/sim/index.js';
import { ROOT } from '../helpers/hub.js';

let sim: RetellSim;
let retell: Connector;

const runtime = (apiKey: string, config: Record<string, unknown>) =>
  new ConnectorRuntime(
    retell,
    {
      view: { id: 'int_r', tenantId: 't', agentId: 'a', type: 'retell', account: {} },
      config: validateConfig(retell.manifest, config),
      credentials: { api_key: apiKey },
    },
    { allowPrivateUrls: true, limiters: new Map<string, RateLimiter>(), logger: silentLogger },
  );

beforeAll(async () => {
  sim = await startRetellSim({ skipAnalyzed: true });
  const registry = await Registry.load({ dirs: [`${ROOT}connectors/retell`], overrides: { retell: { baseUrl: sim.url } } });
  retell = registry.get('retell')!;
});
afterAll(() => sim.close());

describe('the Retell manifest', () => {
  it('places a call with string-only dynamic variables and metadata that links it back, as the spec shapes it', async () => {
    const rt = runtime(sim.apiKey, { from_number: '+14155550000', agent_id: 'agent_sim_1' });
    const input = {
      to_number: '+14155550123',
      contact_name: 'John Doe',
      contact_data: { email: 'john@example.com', visits: 3, vip: true, address: { street: '123 Main St' }, nothing: null },
      metadata: { hub_outbound_call_id: 'obc_1', hub_integration_id: 'int_g', hub_contact_id: 'c_9' },
    };
    const out = (await rt.execute('placeCall', input, { call: {}, steps: {} })) as Record<string, unknown>;
    expect(out).toMatchObject({ call_status: 'registered', agent_id: 'agent_sim_1' });
    expect(out.id).toMatch(/^[0-9a-f]{32}$/);
    const stored = sim.calls.get(String(out.id))!;
    expect(stored.retell_llm_dynamic_variables).toEqual({
      email: 'john@example.com',
      visits: '3',
      vip: 'true',
      address: '{"street":"123 Main St"}',
      customer_name: 'John Doe',
      customer_phone: '+14155550123',
    });
    expect(stored.metadata).toEqual(input.metadata);
    expect(sim.requests.at(-1)?.headers?.authorization).toBe(`Bearer ${sim.apiKey}`);
    expect(sim.violations).toEqual([]);
  });

  it("turns Retell refusals into classified errors with Retell's own message, never the key", async () => {
    const rt = runtime(sim.apiKey, { from_number: '+14155559999' });
    const err = (await rt
      .execute('placeCall', { to_number: '+14155550123', contact_data: {}, metadata: {} }, { call: {}, steps: {} })
      .catch((e) => e)) as HubError;
    expect(err.code).toBe('HUB_ERR_CRM_REJECTED');
    expect(err.message).toContain('Cannot find requested asset');
    const bad = (await runtime('key_wrong', { from_number: '+14155550000' })
      .execute('testConnection', undefined, { call: {}, steps: {} })
      .catch((e) => e)) as HubError;
    expect(bad.code).toBe('HUB_ERR_CRM_AUTH');
    expect(JSON.stringify(bad.toJSON())).not.toContain('key_wrong');
  });

  it('tests the connection with GET /get-concurrency', async () => {
    const out = await runtime(sim.apiKey, { from_number: '+14155550000' }).execute('testConnection', undefined, { call: {}, steps: {} });
    expect(out).toMatchObject({ ok: true, concurrency_limit: 20 });
    expect(sim.violations).toEqual([]);
  });

  it('refuses a from_number that is not E.164 at connect time', () => {
    expect(() => validateConfig(retell.manifest, { from_number: '415-555-0000' })).toThrow(/config.from_number/);
    expect(() => validateConfig(retell.manifest, {})).toThrow(/from_number/);
  });
});
