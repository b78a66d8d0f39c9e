import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleCalendarSim, type GoogleCalendarSim } from '@hub/connector-google-calendar/sim';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { withRetellSim } from '../helpers/voice.js';
import type { RetellSim } from '../../connectors/retell/sim/index.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';
import { PUBLIC_URL, oauthEnv } from '../helpers/oauth.js';
import { responseAudit } from '../helpers/response-audit.js';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// The APIs the tenant console reads: agents, an agent's calls, the sync-condition preview,
// retrying dead-lettered jobs and daily stats, through the real server and store.
let hub: TestHub;
// Every answer of this hub is checked against what its response schema's serializer sent.
const audit = responseAudit();
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let zapierId: string;
let retellSim: RetellSim;
const AGENT = 'agent_console';

async function jobsDone(callId: string): Promise<any[]> {
  return eventually(
    async () => {
      const r = await hub.api('GET', `/api/agents/${AGENT}/calls/${callId}`);
      const jobs = r.body?.integrations ?? [];
      return jobs.length > 0 && jobs.every((j: any) => j.status === 'succeeded' || j.status === 'failed') && jobs;
    },
    15_000,
    `call ${callId} to finish`,
  );
}

beforeAll(async () => {
  receiver = await startReceiver();
  const withRetell = await withRetellSim({}, 'key_console_test');
  retellSim = withRetell.retell;
  hub = await startTestHub(withRetell.env, { connectors: ['zapier', 'retell'], onRoute: audit.onRoute });
  const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
    type: 'zapier',
    webhook_url: receiver.url('/hooks/catch/1/a/'),
  });
  expect(res.status).toBe(201);
  zapierId = res.body.id;
  // Two calls the catch hook refuses on every attempt (HUB_MAX_ATTEMPTS=4 in test hubs: dead-lettered), then one it takes.
  receiver.statuses.push(500, 500, 500, 500);
  expect(
    (await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('c1', { call_outcome: 'voicemail', duration_seconds: 20 }))).status,
  ).toBe(202);
  expect((await jobsDone('c1'))[0].status).toBe('failed');
  receiver.statuses.push(500, 500, 500, 500);
  expect(
    (await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('c2', { call_outcome: 'appointment_booked', duration_seconds: 300 })))
      .status,
  ).toBe(202);
  expect((await jobsDone('c2'))[0].status).toBe('failed');
  expect(
    (await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('c3', { call_outcome: 'info_request', duration_seconds: 90 }))).status,
  ).toBe(202);
  expect((await jobsDone('c3'))[0].status).toBe('succeeded');
  // An agent with a call but no integration.
  expect((await hub.api('POST', '/api/agents/agent_bare/calls', sampleCall('b1'))).status).toBe(202);
});
afterAll(async () => {
  await hub?.close();
  await receiver?.close();
  await retellSim?.close();
});

describe('GET /api/agents', () => {
  it('lists agents known from integrations and calls, most recently called first', async () => {
    const res = await hub.api('GET', '/api/agents');
    expect(res.status).toBe(200);
    const c3 = await hub.running.hub.repos.calls.get(hub.tenant.tenantId, AGENT, 'c3');
    expect(res.body.agents).toEqual([
      { agent_id: 'agent_bare', integrations: 0, last_call_at: expect.any(String) },
      { agent_id: AGENT, integrations: 1, last_call_at: c3.receivedAt },
    ]);
    await hub.api('POST', '/api/agents/agent_new/integrations/connect', { type: 'zapier', webhook_url: receiver.url('/hooks/catch/2/b/') });
    const again = await hub.api('GET', '/api/agents');
    expect(again.body.agents.at(-1)).toEqual({ agent_id: 'agent_new', integrations: 1, last_call_at: null });
  });

  it('shows another tenant nothing of this one', async () => {
    const other = await hub.newTenant();
    expect((await other.api('GET', '/api/agents')).body).toEqual({ agents: [] });
    expect((await other.api('GET', `/api/agents/${AGENT}/calls`)).body).toEqual({ calls: [], next_before: null });
    expect((await other.api('POST', `/api/agents/${AGENT}/integrations/${zapierId}/retry-dead`)).status).toBe(404);
    expect((await other.api('POST', `/api/agents/${AGENT}/integrations/${zapierId}/conditions/preview`, {})).status).toBe(404);
    expect((await other.api('GET', '/api/stats/daily')).body.buckets).toEqual([]);
  });
});

describe('GET /api/agents/:agentId/calls', () => {
  it('lists calls newest first with per-integration status, and pages with before', async () => {
    const res = await hub.api('GET', `/api/agents/${AGENT}/calls?limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.calls.map((c: any) => c.call_id)).toEqual(['c3', 'c2']);
    expect(res.body.calls[0]).toEqual({
      call_id: 'c3',
      received_at: expect.any(String),
      started_at: '2026-02-15T14:30:00Z',
      customer_name: 'Jane Smith',
      customer_phone: '+14079780655',
      call_outcome: 'info_request',
      integrations: [{ integration_id: zapierId, type: 'zapier', job_id: expect.stringMatching(/^job_/), status: 'succeeded' }],
    });
    expect(res.body.calls[1].integrations[0]).toMatchObject({ status: 'failed', dead_lettered: true });
    expect(res.body.next_before).toBe('c2');
    const next = await hub.api('GET', `/api/agents/${AGENT}/calls?limit=2&before=c2`);
    expect(next.body).toEqual({ calls: [expect.objectContaining({ call_id: 'c1' })], next_before: null });
  });

  it('filters by status, integration and time', async () => {
    const failed = await hub.api('GET', `/api/agents/${AGENT}/calls?status=failed&integration_id=${zapierId}`);
    expect(failed.body.calls.map((c: any) => c.call_id)).toEqual(['c2', 'c1']);
    expect((await hub.api('GET', `/api/agents/${AGENT}/calls?integration_id=int_none`)).body.calls).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await hub.api('GET', `/api/agents/${AGENT}/calls?since=${future}`)).body.calls).toEqual([]);
    expect((await hub.api('GET', `/api/agents/${AGENT}/calls?until=${future}`)).body.calls).toHaveLength(3);
  });

  it('names the field and what is allowed on bad input', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['status=broken', 'querystring.status', /must be one of queued, running, succeeded, failed, skipped/],
      ['limit=0', 'querystring.limit', /pattern/],
      ['since=yesterday', 'querystring.since', /date-time/],
      ['before=nope', 'querystring.before', /next_before/],
      ['colour=red', 'querystring.colour', /not a known field/],
    ];
    for (const [query, field, message] of cases) {
      const res = await hub.api('GET', `/api/agents/${AGENT}/calls?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
      expect(res.body.message, query).toMatch(message);
    }
  });
});

describe('POST …/conditions/preview', () => {
  const path = () => `/api/agents/${AGENT}/integrations/${zapierId}/conditions/preview`;

  it('says which recent calls would sync under the given conditions, and why', async () => {
    const res = await hub.api('POST', path(), {
      sync_conditions: { call_outcome: ['appointment_booked', 'info_request'], min_duration_seconds: 100 },
    });
    expect(res.status).toBe(200);
    expect(res.body.calls).toEqual([
      {
        call_id: 'c3',
        received_at: expect.any(String),
        started_at: '2026-02-15T14:30:00Z',
        would_sync: false,
        reason: 'duration 90s is under 100s',
      },
      { call_id: 'c2', received_at: expect.any(String), started_at: '2026-02-15T14:30:00Z', would_sync: true, reason: 'conditions met' },
      {
        call_id: 'c1',
        received_at: expect.any(String),
        started_at: '2026-02-15T14:30:00Z',
        would_sync: false,
        reason: expect.stringContaining('call_outcome "voicemail"'),
      },
    ]);
    const when = await hub.api('POST', path(), { sync_conditions: { when: 'call.duration_seconds > 60' } });
    expect(when.body.calls.map((c: any) => c.would_sync)).toEqual([true, true, false]);
  });

  it('uses the saved conditions when none are given, and none for null', async () => {
    await hub.api('PUT', `/api/agents/${AGENT}/integrations/${zapierId}`, { sync_conditions: { call_outcome: ['voicemail'] } });
    try {
      const saved = await hub.api('POST', path(), {});
      expect(saved.body.sync_conditions).toEqual({ call_outcome: ['voicemail'] });
      expect(saved.body.calls.map((c: any) => c.would_sync)).toEqual([false, false, true]);
      const none = await hub.api('POST', path(), { sync_conditions: null });
      expect(none.body.calls.every((c: any) => c.would_sync && c.reason === 'no conditions')).toBe(true);
    } finally {
      await hub.api('PUT', `/api/agents/${AGENT}/integrations/${zapierId}`, { sync_conditions: null });
    }
  });

  it('refuses bad conditions naming the field', async () => {
    const bad = await hub.api('POST', path(), { sync_conditions: { when: '((' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('sync_conditions.when');
    const shape = await hub.api('POST', path(), { sync_conditions: { min_duration_seconds: -1 } });
    expect(shape.status).toBe(400);
    expect(shape.body.field).toBe('body.sync_conditions.min_duration_seconds');
    expect((await hub.api('POST', `/api/agents/${AGENT}/integrations/int_missing/conditions/preview`, {})).status).toBe(404);
  });
});

describe('daily stats and retrying dead-lettered jobs', () => {
  const today = () => new Date().toISOString().slice(0, 10);

  it('counts finished syncs per UTC day and type, zeros included', async () => {
    const res = await hub.api('GET', `/api/agents/${AGENT}/stats/daily?days=7`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ days: 7, to: today() });
    expect(res.body.buckets).toHaveLength(7);
    expect(res.body.buckets.at(-1)).toEqual({ date: today(), type: 'zapier', total: 3, succeeded: 1, failed: 2 });
    expect(res.body.buckets[0]).toMatchObject({ total: 0, succeeded: 0, failed: 0 });
    const month = await hub.api('GET', '/api/stats/daily?days=30');
    expect(month.body.buckets).toHaveLength(30);
    expect(month.body.buckets.at(-1)).toEqual({ date: today(), type: 'zapier', total: 3, succeeded: 1, failed: 2 });
    const bad = await hub.api('GET', '/api/stats/daily?days=14');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'querystring.days', message: expect.stringContaining('must be one of 7, 30') });
  });

  it('retries every dead-lettered job once; a second call retries none', async () => {
    const first = await hub.api('POST', `/api/agents/${AGENT}/integrations/${zapierId}/retry-dead`);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ retried: 2 });
    const second = await hub.api('POST', `/api/agents/${AGENT}/integrations/${zapierId}/retry-dead`);
    expect(second.body).toEqual({ retried: 0 });
    expect((await jobsDone('c1'))[0].status).toBe('succeeded');
    expect((await jobsDone('c2'))[0].status).toBe('succeeded');
    const stats = await hub.api('GET', `/api/agents/${AGENT}/stats/daily`);
    expect(stats.body.buckets.at(-1)).toEqual({ date: today(), type: 'zapier', total: 3, succeeded: 3, failed: 0 });
    expect((await hub.api('POST', `/api/agents/${AGENT}/integrations/int_missing/retry-dead`)).status).toBe(404);
  });
});

describe('OAuth success without HUB_OAUTH_SUCCESS_URL', () => {
  let sim: GoogleCalendarSim;
  let oauthHub: TestHub;
  beforeAll(async () => {
    sim = await startGoogleCalendarSim();
    const endpoints = { baseUrl: `${sim.url}/calendar/v3`, authorizeUrl: `${sim.url}/o/oauth2/v2/auth`, tokenUrl: `${sim.url}/token` };
    oauthHub = await startTestHub(oauthEnv('google-calendar', endpoints, { clientId: 'gcal-client', clientSecret: 'gcal-secret' }), {
      connectors: ['google-calendar'],
    });
  });
  afterAll(async () => {
    await oauthHub?.close();
    await sim?.close();
  });

  it("sends a browser back to the console's agent page with the connected integration", async () => {
    const res = await oauthHub.api('POST', '/api/agents/agent_o:1/integrations/connect', { type: 'google-calendar' });
    const consent = await fetch(res.body.authorize_url, { redirect: 'manual' });
    await consent.arrayBuffer();
    const callback = new URL(consent.headers.get('location') ?? '');
    expect(callback.origin).toBe(PUBLIC_URL);
    const done = await fetch(`${oauthHub.url}${callback.pathname}${callback.search}`, {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(done.status).toBe(302);
    await done.arrayBuffer();
    expect(done.headers.get('location')).toBe(`/ui/#/agents/agent_o%3A1?connected=${res.body.id}`);
    expect((await oauthHub.api('GET', `/api/agents/agent_o:1/integrations/${res.body.id}`)).body.status).toBe('connected');
  });
});

describe('API description through the real server', () => {
  it('serves /openapi.json and the /docs page without an API key, every asset from the hub itself', async () => {
    const spec = await fetch(`${hub.url}/openapi.json`);
    expect(spec.status).toBe(200);
    const doc = await spec.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/agents/{agentId}/calls'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/agents/{agentId}/integrations/{integrationId}/retry-dead'].post.description).toMatch(/dead-lettered/);
    const page = await fetch(`${hub.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(1);
    for (const a of assets) {
      expect(a).not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(a, `${hub.url}/docs/`));
      expect(res.status, a).toBe(200);
      // Read it all: an unread body keeps the connection busy and the hub's close waits for it.
      expect((await res.arrayBuffer()).byteLength, a).toBeGreaterThan(0);
    }
  });
});

// A schema as documented, closed: an object that names its properties may have no others, so a field
// the console reads but the description leaves out fails (open maps and connector-defined objects stay open).
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
  const props = (schema as { properties?: object }).properties;
  if (props && Object.keys(props).length && (schema as { additionalProperties?: unknown }).additionalProperties === true)
    out.additionalProperties = false;
  return out;
}

describe('answers validate against the schemas /openapi.json documents', () => {
  it('GET /api/connectors (everything the console reads, default mappings included), a call with its data, a dry run', async () => {
    const doc = await (await fetch(`${hub.url}/openapi.json`)).json();
    const ajv = new Ajv2020Module.default({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const A = `/api/agents/${AGENT}`;
    const cases: Array<[string, string, string, unknown?]> = [
      ['get', '/api/connectors', '/api/connectors'],
      ['get', '/api/agents/{agentId}/calls/{callId}', `${A}/calls/c3?include=data`],
      ['post', '/api/agents/{agentId}/integrations/{integrationId}/mappings/preview', `${A}/integrations/${zapierId}/mappings/preview`, {}],
    ];
    for (const [method, template, path, body] of cases) {
      const schema = doc.paths[template][method].responses['200'].content['application/json'].schema;
      const res = await hub.api(method.toUpperCase(), path, body);
      expect(res.status, path).toBe(200);
      const validate = ajv.compile(closed(schema) as object);
      expect(validate(res.body) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
    }
    const connectors = (await hub.api('GET', '/api/connectors')).body.connectors;
    expect(connectors.find((c: { id: string }) => c.id === 'zapier').default_mappings.event).toEqual(expect.any(String));
    // The check can fail: an answer with a field the description does not name is refused.
    const schema = doc.paths['/api/connectors'].get.responses['200'].content['application/json'].schema;
    expect(ajv.compile(closed(schema) as object)({ connectors: [{ ...connectors[0], undocumented: 1 }] })).toBe(false);
  });
});

describe('PUT …/integrations/:id config', () => {
  it('merges what is given, removes an option set to null, and still validates the whole', async () => {
    const made = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'retell',
      api_key: 'key_console_test',
      config: { from_number: '+14157770000', agent_id: 'agent_merge' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const I = `/api/agents/${AGENT}/integrations/${made.body.id}`;
    // The original spec's body: only what changes.
    const merged = await hub.api('PUT', I, { config: { override_agent_version: 3 } });
    expect(merged.status).toBe(200);
    expect(merged.body.config).toMatchObject({ from_number: '+14157770000', agent_id: 'agent_merge', override_agent_version: 3 });
    const cleared = await hub.api('PUT', I, { config: { agent_id: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.config).not.toHaveProperty('agent_id');
    expect(cleared.body.config).toMatchObject({ from_number: '+14157770000', override_agent_version: 3 });
    expect((await hub.api('GET', I)).body.config).not.toHaveProperty('agent_id');
    const bad = await hub.api('PUT', I, { config: { from_number: 'not a number' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toContain('from_number');
    expect((await hub.api('DELETE', I)).status).toBe(204);
  });
});

describe('a stored call with its data', () => {
  it('GET …/calls/:callId?include=data adds the call as stored; other values are refused naming the field; other tenants see 404', async () => {
    const plain = await hub.api('GET', `/api/agents/${AGENT}/calls/c3`);
    expect(plain.body).not.toHaveProperty('data');
    const full = await hub.api('GET', `/api/agents/${AGENT}/calls/c3?include=data`);
    expect(full.status).toBe(200);
    expect(full.body.data).toMatchObject({
      call_id: 'c3',
      customer_name: 'Jane Smith',
      call_outcome: 'info_request',
      duration_seconds: 90,
    });
    const bad = await hub.api('GET', `/api/agents/${AGENT}/calls/c3?include=everything`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toMatch(/include/);
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/${AGENT}/calls/c3?include=data`)).status).toBe(404);
  });
});

describe('response schemas keep every field the routes answer', () => {
  it('no route answer exercised here loses or changes a field in serialization', async () => {
    const A = `/api/agents/${AGENT}`;
    const I = `${A}/integrations/${zapierId}`;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/health'],
      ['GET', '/api/connectors'],
      ['GET', `${A}/integrations`],
      ['GET', I],
      ['PUT', I, { name: 'Catch hook' }],
      ['POST', `${I}/test`],
      ['GET', `${A}/calls/c1`],
      ['GET', `${A}/calls/c1?include=data`],
      ['GET', `${A}/sync-logs?limit=5`],
      ['GET', '/api/stats/sync'],
      ['GET', `${A}/calls/nope`],
      ['PUT', I, { colour: 'red' }],
      ['POST', `${I}/mappings/preview`, {}],
      ['POST', `${I}/mappings/preview`, { mappings: { event: '((' } }],
      ['GET', `${I}/fields`],
      ['GET', `${I}/availability?date=2026-02-20`],
      ['GET', '/api/health-webhook'],
      ['PUT', '/api/health-webhook', { url: receiver.url('/health-hook') }],
      ['GET', '/api/health-webhook'],
      ['DELETE', '/api/health-webhook'],
    ];
    for (const [method, path, body] of calls) expect((await hub.api(method, path, body)).status, `${method} ${path}`).toBeLessThan(500);
    const job = (await hub.api('GET', `${A}/calls/c1`)).body.integrations[0].job_id;
    expect((await hub.api('POST', `${A}/sync-jobs/${job}/retry`)).status).toBe(409);
    const bulk = await hub.api('POST', `${A}/calls/bulk`, [sampleCall('bulk1'), { call_id: 5 }]);
    expect(bulk.status).toBe(202);
    expect((await hub.api('GET', `${A}/imports/${bulk.body.import_id}`)).status).toBe(200);

    const retell = await hub.api('POST', `${A}/integrations/connect`, {
      type: 'retell',
      api_key: 'key_console_test',
      config: { from_number: '+14157774444', agent_id: 'agent_r' },
    });
    expect(retell.status).toBe(201);
    const vh = await hub.api('POST', `${A}/voice-webhooks`, { integration_id: retell.body.id });
    expect(vh.status).toBe(201);
    expect((await hub.api('GET', `${A}/voice-webhooks`)).status).toBe(200);
    expect((await hub.api('GET', `${A}/voice-webhooks/${vh.body.id}/tools`)).status).toBe(200);
    const owh = await hub.api('POST', `${A}/outbound/webhooks`, { integration_id: zapierId, rate_limit: { requests: 5, per_seconds: 60 } });
    expect(owh.status).toBe(201);
    expect(owh.body).toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
      signing_secret: expect.stringMatching(/^whsign_/),
      rate_limit: { requests: 5, per_seconds: 60 },
    });
    expect((await hub.api('GET', `${A}/outbound/webhooks`)).body.webhooks[0]).not.toHaveProperty('secret');
    expect((await hub.api('POST', `${A}/outbound/call`, { phone: '+14155550123' }, { 'x-webhook-secret': 'whsec_wrong' })).status).toBe(
      401,
    );
    expect((await hub.api('GET', `${A}/outbound/calls/obc_missing`)).status).toBe(404);
    expect((await hub.api('DELETE', `${A}/voice-webhooks/${vh.body.id}`)).status).toBe(204);
    expect((await hub.api('DELETE', `${A}/outbound/webhooks/${owh.body.id}`)).status).toBe(204);

    expect(audit.problems).toEqual([]);
    expect(audit.checked).toBeGreaterThan(40);
  });
});
