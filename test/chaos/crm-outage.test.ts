import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startSwitchProxy, type SwitchProxy } from '../helpers/switch-proxy.js';

// PROOF_OUTAGE_MS=120000 (`pnpm proof outage`) is the two-minute outage; the default run takes 3 s.
const OUTAGE_MS = Number(process.env.PROOF_OUTAGE_MS ?? 3000);
const CALLS = Number(process.env.PROOF_OUTAGE_CALLS ?? 20);
const AGENT = 'agent_outage';
// The default backoff (2 s doubling, 8 attempts) rides out about four minutes; the retry base
// scales with the outage so the short run keeps the same shape: 2 min ↔ 2,000 ms.
const RETRY_BASE_MS = Math.max(20, Math.round(OUTAGE_MS / 60));

let sim: PipedriveSim;
let proxy: SwitchProxy;
let hub: TestHub;

beforeAll(async () => {
  sim = await startPipedriveSim();
  proxy = await startSwitchProxy(sim.url);
  hub = await startTestHub(
    {
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({ pipedrive: { baseUrl: `${proxy.url}/v1`, timeoutMs: 2000 } }),
      HUB_RETRY_BASE_MS: String(RETRY_BASE_MS),
      HUB_MAX_ATTEMPTS: '8',
    },
    { connectors: ['pipedrive'] },
  );
});
afterAll(async () => {
  await hub?.close();
  await proxy?.close();
  await sim?.close();
});

const statuses = async () => {
  const out: Record<string, number> = {};
  for (let i = 0; i < CALLS; i++) {
    const s = (await hub.api('GET', `/api/agents/${AGENT}/calls/out_${i}`)).body.integrations[0].status as string;
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
};

describe(`a CRM down for ${OUTAGE_MS / 1000} s, then back (PROOF_OUTAGE_MS)`, () => {
  it(
    'calls posted during the outage wait, then the backlog drains: each synced once, nothing dead-lettered',
    { timeout: OUTAGE_MS * 3 + 60_000 },
    async () => {
      const id = (await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'pipedrive', api_key: sim.apiToken })).body.id;
      await proxy.down();
      const downAt = Date.now();
      for (let i = 0; i < CALLS; i++) {
        const res = await hub.api(
          'POST',
          `/api/agents/${AGENT}/calls`,
          sampleCall(`out_${i}`, { customer_phone: `+1415555${String(1000 + i)}`, customer_email: `out${i}@example.com` }),
        );
        expect(res.status).toBe(202);
        await new Promise((r) => setTimeout(r, OUTAGE_MS / CALLS / 2));
      }
      await eventually(
        async () => (await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`)).body.health.state === 'failing',
        OUTAGE_MS,
        'the integration to show failing',
      );
      await new Promise((r) => setTimeout(r, Math.max(0, downAt + OUTAGE_MS - Date.now())));
      const during = await statuses();
      expect(during.succeeded ?? 0).toBe(0);
      expect(during.failed ?? 0).toBe(0);
      await proxy.up();
      const upAt = Date.now();
      await eventually(async () => (await statuses()).succeeded === CALLS, OUTAGE_MS * 2 + 30_000, 'the backlog to drain');
      const drained = Date.now() - upAt;

      const attempts = (await hub.api('GET', `/api/agents/${AGENT}/sync-logs?status=failed&limit=1000`)).body.logs.length;
      expect(sim.persons.all()).toHaveLength(CALLS);
      expect(sim.notes.all()).toHaveLength(CALLS);
      expect((await hub.api('GET', `/api/agents/${AGENT}/integrations/${id}`)).body.health).toMatchObject({
        state: 'healthy',
        failure_streak: 0,
      });
      console.log(
        `[proof outage] Pipedrive down ${(OUTAGE_MS / 1000).toFixed(0)} s (connections refused), ${CALLS} calls posted meanwhile, retry base ${RETRY_BASE_MS} ms x 8 attempts: ` +
          `${attempts} failed attempts during the outage, 0 dead letters; backlog drained ${(drained / 1000).toFixed(1)} s after the CRM came back; ${sim.persons.all().length} persons, ${sim.notes.all().length} notes (one each)`,
      );
    },
  );
});
