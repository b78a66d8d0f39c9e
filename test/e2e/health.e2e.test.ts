import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { verifyCallback } from '@hub/core';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let hub: TestHub;
let zap: ZapSim;
let pd: PipedriveSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;

beforeAll(async () => {
  zap = await startZapierSim();
  pd = await startPipedriveSim();
  receiver = await startReceiver();
  hub = await startTestHub(
    { HUB_CONNECTOR_OVERRIDES: JSON.stringify({ pipedrive: { baseUrl: `${pd.url}/v1` } }) },
    { connectors: ['zapier', 'pipedrive'] },
  );
  const put = await hub.api('PUT', '/api/health-webhook', { url: receiver.url('/hub-health/s3cr3tpath') });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    configured: true,
    url_origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    signing_secret: expect.stringMatching(/^whsec_/),
  });
  secret = put.body.signing_secret;
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([zap?.close(), pd?.close(), receiver?.close()]);
});

const events = () => receiver.got.filter((r) => r.path.startsWith('/hub-health')).map((r) => ({ ...r, body: JSON.parse(r.raw) }));
const integration = async (agent: string, id: string) => (await hub.api('GET', `/api/agents/${agent}/integrations/${id}`)).body;
const done = (agent: string, callId: string) =>
  eventually(
    async () => {
      const s = (await hub.api('GET', `/api/agents/${agent}/calls/${callId}`)).body.integrations?.[0]?.status;
      return (s === 'succeeded' || s === 'failed') && s;
    },
    15_000,
    `call ${callId} to finish`,
  );

describe('integration health', () => {
  it('healthy after a sync; failing after three failed attempts (webhook once, signed); recovered after the next success', async () => {
    const id = (
      await hub.api('POST', '/api/agents/agent_h/integrations/connect', { type: 'zapier', webhook_url: `${zap.url}/hooks/catch/1/h/` })
    ).body.id;
    expect((await integration('agent_h', id)).health).toEqual({
      state: 'healthy',
      last_success_at: null,
      last_failure_at: null,
      last_error: null,
      failure_streak: 0,
      quota_remaining: null,
    });
    await hub.api('POST', '/api/agents/agent_h/calls', sampleCall('h1'));
    expect(await done('agent_h', 'h1')).toBe('succeeded');
    const ok = await integration('agent_h', id);
    expect(ok.health).toMatchObject({ state: 'healthy', last_success_at: expect.any(String), failure_streak: 0 });
    expect(ok.stats_24h).toEqual({ total: 1, succeeded: 1, failed: 0 });

    zap.inject({ method: 'POST', path: /hooks\/catch\/1\/h/, status: 410, body: { status: 'gone' }, times: 4 });
    await hub.api('POST', '/api/agents/agent_h/calls', sampleCall('h2'));
    expect(await done('agent_h', 'h2')).toBe('failed');
    const failing = await integration('agent_h', id);
    expect(failing.health).toMatchObject({
      state: 'failing',
      failure_streak: 4,
      last_failure_at: expect.any(String),
      last_error: { code: 'HUB_ERR_CRM_TRANSIENT', step: 'event', message: expect.stringContaining('410') },
    });
    expect(failing.stats_24h).toEqual({ total: 2, succeeded: 1, failed: 1 });
    const list = (await hub.api('GET', '/api/agents/agent_h/integrations')).body.integrations[0];
    expect(list).toMatchObject({ health: { state: 'failing' }, stats_24h: { total: 2 } });

    await eventually(async () => events().length === 1, 10_000, 'the failing event');
    const [ev] = events();
    expect(ev.headers['x-hub-event']).toBe('integration.failing');
    expect(verifyCallback(secret, ev.raw, ev.headers['x-hub-signature'] as string)).toBe(true);
    expect(ev.body).toMatchObject({
      event: 'integration.failing',
      integration_id: id,
      agent_id: 'agent_h',
      type: 'zapier',
      health: { state: 'failing' },
    });
    expect(ev.raw).not.toContain('hooks/catch');

    await hub.api('POST', '/api/agents/agent_h/calls', sampleCall('h3'));
    expect(await done('agent_h', 'h3')).toBe('succeeded');
    expect((await integration('agent_h', id)).health).toMatchObject({ state: 'healthy', failure_streak: 0 });
    await eventually(async () => events().length === 2, 10_000, 'the recovered event');
    expect(events()[1].body).toMatchObject({ event: 'integration.recovered', integration_id: id });
  });

  it('quota left as the CRM reports it; a CRM refusing the credentials turns the integration needs_reauth and tells the tenant', async () => {
    const before = events().length;
    const id = (await hub.api('POST', '/api/agents/agent_r/integrations/connect', { type: 'pipedrive', api_key: pd.apiToken })).body.id;
    await hub.api('POST', '/api/agents/agent_r/calls', sampleCall('r0'));
    expect(await done('agent_r', 'r0')).toBe('succeeded');
    // Pipedrive reports its quota in x-ratelimit-remaining; the card shows what it said last.
    expect((await integration('agent_r', id)).health).toMatchObject({ state: 'healthy', quota_remaining: expect.any(Number) });
    pd.inject({ path: /.*/, status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401 }, times: 10 });
    await hub.api('POST', '/api/agents/agent_r/calls', sampleCall('r1'));
    expect(await done('agent_r', 'r1')).toBe('failed');
    expect((await integration('agent_r', id)).health).toMatchObject({ state: 'needs_reauth', last_error: { code: 'HUB_ERR_CRM_AUTH' } });
    await eventually(async () => events().length === before + 1, 10_000, 'the needs_reauth event');
    expect(events()[before].body).toMatchObject({
      event: 'integration.needs_reauth',
      integration_id: id,
      status: 'needs_reauth',
      health: { state: 'needs_reauth' },
    });
  });

  it('the webhook answers show the origin only; a private or bad URL is refused naming url; DELETE removes it', async () => {
    const got = await hub.api('GET', '/api/health-webhook');
    expect(got.body).toMatchObject({ configured: true, url_origin: expect.any(String) });
    expect(JSON.stringify(got.body)).not.toContain('s3cr3tpath');
    const other = await hub.newTenant();
    expect((await other.api('GET', '/api/health-webhook')).body).toEqual({ configured: false });
    const bad = await other.api('PUT', '/api/health-webhook', { url: 'not a url' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'url' } });
    expect((await other.api('DELETE', '/api/health-webhook')).status).toBe(204);
    expect(hub.logs.join('')).not.toContain('s3cr3tpath');
  });
});
