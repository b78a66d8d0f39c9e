import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { TEST_MONGODB_URL } from '@hub/store/testing';
import { ROOT, apiClient, eventually, freePort, runCli, spawnHub, testEnv, type ChildHub } from '../helpers/hub.js';

/**
 * A store outage while the hub runs, on its own FerretDB (stopped and started again on the same port
 * and data). It runs where the MongoDB store suites run (HUB_TEST_MONGODB_URL set: FerretDB is
 * built and usable on this machine).
 */
const ferret = { data: '', pidfile: '', port: 0, url: '' };
function startFerret(): string {
  return execFileSync(join(ROOT, 'scripts/ferretdb.sh'), ['start'], {
    encoding: 'utf8',
    env: { ...process.env, FERRETDB_DATA: ferret.data, FERRETDB_PIDFILE: ferret.pidfile, FERRETDB_PORT: String(ferret.port) },
  }).trim();
}
async function stopFerret(): Promise<void> {
  const pid = Number((await readFile(ferret.pidfile, 'utf8')).trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await eventually(async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 5000);
}

describe.skipIf(!TEST_MONGODB_URL)('a store outage while the hub runs (FerretDB stopped, then back)', () => {
  let zap: Awaited<ReturnType<typeof startZapierSim>>;
  let hub: ChildHub | undefined;
  let dataDir: string;
  beforeAll(async () => {
    zap = await startZapierSim();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-outage-'));
    ferret.data = await mkdtemp(join(tmpdir(), 'ferretdb-outage-'));
    ferret.pidfile = join(ferret.data, 'ferretdb.pid');
    ferret.port = await freePort();
    ferret.url = startFerret();
  });
  afterAll(async () => {
    await hub?.kill('SIGKILL');
    await stopFerret().catch(() => undefined);
    await zap?.close();
    await rm(ferret.data, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 on ingest and acknowledges nothing it did not store; workers back off; it recovers without a restart', async () => {
    const env = testEnv(dataDir, {
      MONGODB_URL: `${ferret.url.replace(/\/$/, '')}/hub_outage`,
      HUB_SECRET_KEY: randomBytes(32).toString('base64'),
      HUB_RETRY_BASE_MS: '200',
      LOG_LEVEL: 'info',
    });
    const { apiKey } = JSON.parse(runCli(['tenant', 'create', 'Outage'], env).stdout) as { apiKey: string };
    hub = await spawnHub(env, await freePort());
    let output = '';
    hub.child.stdout?.on('data', (d) => (output += String(d)));
    hub.child.stderr?.on('data', (d) => (output += String(d)));
    const api = apiClient(hub.url, apiKey);
    const connect = await api('POST', '/api/agents/a1/integrations/connect', {
      type: 'zapier',
      webhook_url: `${zap.url}/hooks/catch/1/o/`,
      test: false,
    });
    expect(connect.status).toBe(201);
    const post = (i: number) => api('POST', '/api/agents/a1/calls', { call_id: `out_${i}`, customer_name: `Caller ${i}` });
    for (let i = 0; i < 3; i++) expect((await post(i)).status).toBe(202);
    await eventually(async () => zap.caught().length === 3, 20_000, 'the calls before the outage to be delivered');

    await stopFerret();
    const during: number[] = [];
    for (let i = 3; i < 6; i++) {
      const res = await post(i);
      during.push(res.status);
      if (res.status !== 202) expect(res.body).toMatchObject({ statusCode: 503, code: 'HUB_ERR_STORE' });
    }
    expect(during).toEqual([503, 503, 503]);
    expect((await api('GET', '/health')).status).toBe(503);
    await eventually(async () => output.includes('backing off until the store answers'), 15_000, 'a worker to report the failing claims');

    expect(startFerret()).toBe(ferret.url);
    await eventually(async () => (await api('GET', '/health')).status === 200, 30_000, 'the hub to reach the store again');
    // The platform sends again what got no 202; nothing acknowledged is missing, nothing is sent twice.
    for (let i = 3; i < 6; i++) expect((await post(i)).status).toBe(202);
    await eventually(async () => zap.caught().length >= 6, 60_000, 'every call to be delivered after the outage');
    expect(output).toContain('claiming resumed');
    for (let i = 0; i < 6; i++) expect((await api('GET', `/api/agents/a1/calls/out_${i}`)).body.integrations[0].status).toBe('succeeded');
    const keys = zap.requests.filter((r) => r.method === 'POST' && r.status === 200).map((r) => String(r.headers['idempotency-key']));
    expect(new Set(keys).size).toBe(6);
    expect(keys).toHaveLength(6);
  }, 180_000);
});
