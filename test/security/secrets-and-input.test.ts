import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { startReceiver } from '../helpers/receiver.js';
import { startGohighlevelSim } from '@hub/connector-gohighlevel/sim';
import { startHousecallproSim } from '@hub/connector-housecallpro/sim';
import { startPipedriveSim } from '@hub/connector-pipedrive/sim';
import { startRetellSim } from '@hub/connector-retell/sim';

let hub: TestHub;
let strict: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
// Connect checks credentials with the CRM, so each CRM is a loopback simulator that is told the keys the tests make up.
let sims: {
  gohighlevel: Awaited<ReturnType<typeof startGohighlevelSim>>;
  housecallpro: Awaited<ReturnType<typeof startHousecallproSim>>;
  pipedrive: Awaited<ReturnType<typeof startPipedriveSim>>;
  retell: Awaited<ReturnType<typeof startRetellSim>>;
};
const AGENT = 'agent_sec';
const secret = (name: string) => `sec_${name}_${Math.random().toString(36).slice(2, 14)}`;

beforeAll(async () => {
  receiver = await startReceiver();
  sims = {
    gohighlevel: await startGohighlevelSim(),
    housecallpro: await startHousecallproSim(),
    pipedrive: await startPipedriveSim(),
    retell: await startRetellSim(),
  };
  const overrides = Object.fromEntries(
    Object.entries(sims).map(([id, sim]) => [id, { baseUrl: id === 'pipedrive' ? `${sim.url}/v1` : sim.url }]),
  );
  hub = await startTestHub({ HUB_MAX_ATTEMPTS: '1', HUB_CONNECTOR_OVERRIDES: JSON.stringify(overrides) });
  strict = await startTestHub({ HUB_ALLOW_PRIVATE_URLS: '0' }, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await strict?.close();
  await receiver?.close();
  await Promise.all(Object.values(sims ?? {}).map((sim) => sim.close()));
});

describe('no API answer contains a credential', () => {
  // Every connector whose connect body carries credentials, with the config it needs.
  const cases: Array<{ type: string; field: string; config?: Record<string, unknown>; url?: boolean }> = [
    { type: 'gohighlevel', field: 'api_key' },
    { type: 'housecallpro', field: 'api_key' },
    { type: 'pipedrive', field: 'api_key' },
    { type: 'retell', field: 'api_key', config: { from_number: '+14155550000' } },
    { type: 'zapier', field: 'webhook_url', url: true },
  ];
  for (const c of cases) {
    it(`${c.type}: connect, list, get and put (top level and auth_data)`, async () => {
      const sim = sims[c.type as keyof typeof sims] as (typeof sims)[keyof typeof sims] | undefined;
      const config = c.type === 'gohighlevel' ? { location_id: sims.gohighlevel.locationId } : c.config;
      const value = (s: string) => {
        if (c.url) return receiver.url(`/hooks/catch/${s}`);
        sim?.tokens.issue({
          accessToken: s,
          data: c.type === 'gohighlevel' ? { locationId: sims.gohighlevel.locationId, userType: 'Location' } : undefined,
        });
        return s;
      };
      const first = value(secret(c.type));
      const second = value(secret(c.type));
      const third = value(secret(c.type));
      const created = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
        type: c.type,
        [c.field]: first,
        ...(config ? { config } : {}),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as string;
      const answers = [
        created,
        await hub.api('GET', `/api/agents/${AGENT}/integrations`),
        await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`),
        await hub.api('PUT', `/api/agents/${AGENT}/integrations/${id}`, { [c.field]: second }),
        await hub.api('PUT', `/api/agents/${AGENT}/integrations/${id}`, { auth_data: { [c.field]: third } }),
        await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`),
      ];
      for (const res of answers) {
        expect(res.status).toBeLessThan(300);
        const text = JSON.stringify(res.body);
        for (const s of [first, second, third]) expect(text).not.toContain(s);
      }
      expect(answers[2].body).toMatchObject({ credentials_set: true });
      // The secret was kept: the stored credential is the last one given.
      const doc = await hub.running.hub.repos.integrations.byId(id);
      expect(hub.running.hub.repos.integrations.credentials(doc!)[c.field]).toBe(third);
    });
  }

  it('OAuth tokens stored on an integration never show in its answers', async () => {
    const created = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'hubspot' });
    const tokens = { access_token: secret('at'), refresh_token: secret('rt'), expires_at: Date.now() + 3_600_000 };
    await hub.running.hub.repos.integrations.saveCredentials(created.body.id, tokens, {});
    await hub.running.hub.repos.integrations.setStatus(created.body.id, 'connected');
    for (const res of [
      await hub.api('GET', `/api/agents/${AGENT}/integrations`),
      await hub.api('GET', `/api/agents/${AGENT}/integrations/${created.body.id}`),
      await hub.api('PUT', `/api/agents/${AGENT}/integrations/${created.body.id}`, { name: 'renamed' }),
    ]) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(new RegExp(`${tokens.access_token}|${tokens.refresh_token}`));
    }
  });
});

describe('SSRF at connect when HUB_ALLOW_PRIVATE_URLS is off', () => {
  const bad = [
    'https://127.0.0.1/hooks/catch/1/a',
    'https://169.254.169.254/latest/meta-data/',
    'http://hooks.zapier.com/hooks/catch/1/a',
    'https://10.0.0.8/x',
    'https://[::1]/x',
    'https://localhost/x',
    // trailing-dot names, IPv4-compatible (normalised to ::7f00:1) and IPv4-mapped IPv6
    'https://localhost./x',
    'https://metadata.google.internal./x',
    'https://[::127.0.0.1]/x',
    'https://[::ffff:7f00:1]/x',
    'https://[::a9fe:a9fe]/latest/',
  ];
  for (const url of bad) {
    it(`refuses ${url}, naming the field`, async () => {
      const top = await strict.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'zapier', webhook_url: url });
      expect(top.status).toBe(400);
      expect(top.body).toMatchObject({ field: 'webhook_url' });
      const nested = await strict.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
        type: 'zapier',
        auth_data: { webhook_url: url },
      });
      expect(nested).toMatchObject({ status: 400, body: { field: 'auth_data.webhook_url' } });
    });
  }

  it('refuses it on PUT too, and keeps the public https URL it had', async () => {
    const ok = await strict.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'zapier',
      webhook_url: 'https://hooks.zapier.com/hooks/catch/1/ok/',
      test: false,
    });
    expect(ok.status).toBe(201);
    const put = await strict.api('PUT', `/api/agents/${AGENT}/integrations/${ok.body.id}`, {
      webhook_url: 'https://169.254.169.254/latest/',
    });
    expect(put).toMatchObject({ status: 400, body: { field: 'webhook_url' } });
    expect((await strict.api('GET', `/api/agents/${AGENT}/integrations`)).body.integrations).toHaveLength(1);
  });
});

describe('tenant JSONata cannot stall the hub', () => {
  const loop = '( $f := function($x) { $f($x + 1) }; $f(0) )';
  const deep = '( $f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000) )';
  for (const [what, expr] of [
    ['an infinite loop', loop],
    ['deep recursion', deep],
  ] as const) {
    it(`${what} in mappings fails the step with a clear error; the hub keeps serving`, async () => {
      const agent = `agent_jsonata_${what.length}`;
      const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
        type: 'zapier',
        webhook_url: receiver.url('/hooks/catch/jsonata'),
        mappings: { event: expr },
      });
      expect(res.status).toBe(201);
      await hub.api('POST', `/api/agents/${agent}/calls`, {
        call_id: `jsonata_${what.length}`,
        customer_phone: '+14079780655',
        call_summary: 'x',
      });
      const [job] = await Promise.all([
        eventually(
          async () => {
            const r = await hub.api('GET', `/api/agents/${agent}/calls/jsonata_${what.length}`);
            return r.body.integrations?.[0]?.status === 'failed' && r.body.integrations[0];
          },
          15_000,
          'the job to fail',
        ),
        hub.api('GET', '/health'),
      ]);
      expect(JSON.stringify(job.last_error)).toMatch(/mappings\.event|event/);
      expect(JSON.stringify(job.last_error)).toMatch(/longer than \d+ ms|deeper than \d+/);
      expect((await hub.api('GET', '/health')).status).toBe(200);
    });

    it(`${what} in sync_conditions.when skips the call with a clear reason`, async () => {
      const agent = `agent_when_${what.length}`;
      const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
        type: 'zapier',
        webhook_url: receiver.url('/hooks/catch/when'),
        sync_conditions: { when: expr },
      });
      expect(res.status).toBe(201);
      const posted = await hub.api('POST', `/api/agents/${agent}/calls`, {
        call_id: `when_${what.length}`,
        customer_phone: '+14079780655',
      });
      expect(posted).toMatchObject({ status: 202, body: { jobs: [] } });
      const view = await hub.api('GET', `/api/agents/${agent}/calls/when_${what.length}`);
      expect(view.body.integrations[0]).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/sync_conditions\.when.*(longer than \d+ ms|deeper than \d+)/),
      });
      expect((await hub.api('GET', '/health')).status).toBe(200);
    });
  }
});
