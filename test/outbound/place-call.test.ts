import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubServices, Keyring, OutboundService, Registry, runOutboundJob, silentLogger, type IntegrationDoc } from '@hub/core';
import { openStore } from '@hub/store';
import { startRetellSim, type RetellSim } from '../../connectors/retell/sim/index.js';
import { ROOT } from '../helpers/hub.js';

let sim: RetellSim;
let registry: Registry;
let dir: string;
let hub: HubServices;
let out: OutboundService;
let retell: IntegrationDoc;

beforeAll(async () => {
  sim = await startRetellSim({ skipAnalyzed: true });
  registry = await Registry.load({ dirs: [`${ROOT}connectors/retell`], overrides: { retell: { baseUrl: sim.url } } });
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.reset();
  dir = await mkdtemp(join(tmpdir(), 'place-'));
  hub = new HubServices(
    await openStore({ dataDir: dir }),
    registry,
    new Keyring([randomBytes(32)]),
    { allowPrivateUrls: true, publicUrl: 'http://hub', backoff: { baseMs: 1, capMs: 5, maxAttempts: 4 } },
    silentLogger,
  );
  await hub.init();
  out = new OutboundService(hub, { analysisWaitMs: 1000 });
  await out.init();
  retell = await hub.repos.integrations.create({
    tenantId: 't1',
    agentId: 'a1',
    type: 'retell',
    status: 'connected',
    config: { from_number: '+14155550000' },
    fieldMappings: {},
    mappings: {},
    account: {},
    credentials: { api_key: sim.apiKey },
  });
});
afterEach(async () => {
  await hub.engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function queued(): Promise<string> {
  const { call } = await out.calls.createOnce({
    tenantId: 't1',
    agentId: 'a1',
    webhookId: 'owh',
    idemKey: `k${Math.random()}`,
    idemExpiresAt: Date.now() + 60_000,
    phone: '+14155550123',
    contactData: {},
    voiceIntegrationId: retell._id,
  });
  await out.enqueue('place', { tenantId: 't1', agentId: 'a1', integrationId: retell._id, key: call._id });
  return call._id;
}

/** Claims and runs due jobs until none is left (waiting out short backoffs). */
async function drain(): Promise<void> {
  for (let idle = 0; idle < 20;) {
    const job = await out.queue.claim('w1', 10_000);
    if (!job) {
      idle++;
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    await runOutboundJob(out, job, job.leaseToken!, new AbortController().signal);
  }
}
const creates = () => sim.requests.filter((r) => r.path === '/v2/create-phone-call').length;

describe('placing a call: at most once', () => {
  it('retries a 429 and a 503 (nothing was dialled), then places it once', async () => {
    sim.inject({ path: '/v2/create-phone-call', status: 429, headers: { 'Retry-After': '0' } });
    sim.inject({ path: '/v2/create-phone-call', status: 503 });
    const id = await queued();
    await drain();
    expect(creates()).toBe(3);
    expect(sim.calls.size).toBe(1);
    const call = (await out.calls.byId(id))!;
    expect(call).toMatchObject({ state: 'dialing', providerCallId: sim.calls.all()[0].call_id });
    expect(call.history.map((h) => h.state)).toEqual(['queued', 'dialing', 'queued', 'dialing', 'queued', 'dialing']);
  });

  it('does not retry a 500: the call may have been dialled', async () => {
    sim.inject({ path: '/v2/create-phone-call', status: 500 });
    const id = await queued();
    await drain();
    expect(creates()).toBe(1);
    expect(await out.calls.byId(id)).toMatchObject({ state: 'failed', error: { code: 'HUB_ERR_CRM_TRANSIENT' } });
    expect(await out.queue.col.findOne({ callId: `place:${id}` })).toMatchObject({ status: 'failed', deadLettered: true });
  });

  it('fails a refused call with the provider message, and never retries it', async () => {
    await hub.repos.integrations.update('t1', retell._id, { config: { from_number: '+14155559999' } });
    const id = await queued();
    await drain();
    expect(creates()).toBe(1);
    expect((await out.calls.byId(id))?.error?.message).toContain('Cannot find requested asset');
  });

  it('a job re-claimed after its worker died mid-request gives up instead of dialling again', async () => {
    const id = await queued();
    await out.calls.advance(id, 'dialing'); // what the dead worker wrote before its request
    await drain();
    expect(creates()).toBe(0);
    expect((await out.calls.byId(id))?.error?.message).toMatch(/may or may not have been placed/);
  });

  it('a second place job for the same call (a re-delivered trigger, the recovery sweep) is a no-op', async () => {
    const id = await queued();
    await drain();
    await out.enqueue('place', { tenantId: 't1', agentId: 'a1', integrationId: retell._id, key: id });
    await out.queue.col.updateMany({}, { $set: { status: 'queued', runAt: 0 } });
    await drain();
    expect(creates()).toBe(1);
    expect(sim.violations).toEqual([]);
  });
});
