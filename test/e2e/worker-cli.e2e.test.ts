import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT, apiClient, childEnv, eventually, freePort, runCli, spawnHub, testEnv } from '../helpers/hub.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let zap: ZapSim;
let dataDir: string;

beforeAll(async () => {
  zap = await startZapierSim();
  dataDir = await mkdtemp(join(tmpdir(), 'hub-worker-'));
});
afterAll(async () => {
  await zap?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('pnpm hub worker', () => {
  it('runs the jobs a hub started with HUB_WORKER=0 queued, keeps running while idle, and stops cleanly on SIGTERM', async () => {
    const env = testEnv(dataDir);
    const { apiKey } = JSON.parse(runCli(['tenant', 'create', 'Acme'], env).stdout) as { apiKey: string };
    const port = await freePort();
    const hub = await spawnHub({ ...env, HUB_WORKER: '0' }, port);
    const api = apiClient(hub.url, apiKey);
    expect(
      (
        await api('POST', '/api/agents/a1/integrations/connect', {
          type: 'zapier',
          webhook_url: `${zap.url}/hooks/catch/1/w/`,
          test: false,
        })
      ).status,
    ).toBe(201);
    expect((await api('POST', '/api/agents/a1/calls', { call_id: 'call_w1', customer_name: 'Jane' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(zap.caught()).toEqual([]);
    expect((await api('GET', '/api/agents/a1/calls/call_w1')).body.integrations[0].status).toBe('queued');
    // The embedded store is one process per folder: the server stops before the worker opens it.
    await hub.kill('SIGTERM');

    const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), 'worker'], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    await eventually(async () => zap.caught().length === 1, 20_000, 'the worker to deliver the call');
    // An idle worker waits for work: it once exited by itself here, as nothing held its event loop open.
    await new Promise((r) => setTimeout(r, 1500));
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);

    const again = await spawnHub(env, port);
    const status = await apiClient(again.url, apiKey)('GET', '/api/agents/a1/calls/call_w1');
    expect(status.body.integrations[0].status).toBe('succeeded');
    await again.kill('SIGTERM');
  });
});
