import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { spawnSync } from 'node:child_process';
import { ROOT, apiClient, childEnv, eventually, freePort, runCli, spawnHub, testEnv, type ChildHub } from '../helpers/hub.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let zap: ZapSim;
let dataDir: string;
let env: Record<string, string>;
let child: ChildHub | undefined;

beforeAll(async () => {
  zap = await startZapierSim();
  dataDir = await mkdtemp(join(tmpdir(), 'hub-restart-'));
  env = testEnv(dataDir);
});
afterAll(async () => {
  await child?.kill();
  await zap?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the hub survives kill -9', () => {
  it('keeps integrations, calls, job status and queued work; a repeat after restart syncs nothing new', async () => {
    const created = runCli(['tenant', 'create', 'Acme Roofing'], env);
    expect(created.status).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const { tenantId, apiKey } = JSON.parse(lines[0]) as { tenantId: string; apiKey: string };
    expect(tenantId).toMatch(/^ten_/);

    const port = await freePort();
    child = await spawnHub(env, port);
    const api = apiClient(child.url, apiKey);
    const connected = await api('POST', '/api/agents/agent_1/integrations/connect', {
      type: 'zapier',
      webhook_url: `${zap.url}/hooks/catch/1/abc/`,
      test: false,
    });
    expect(connected.status).toBe(201);
    await api('POST', '/api/agents/agent_1/calls', { call_id: 'call_done', customer_name: 'Jane' });
    await eventually(async () => zap.caught().length === 1, 15_000, 'the first call to arrive');
    await eventually(
      async () => (await api('GET', '/api/agents/agent_1/calls/call_done')).body.integrations?.[0]?.status === 'succeeded',
      15_000,
      'the first job to finish',
    );

    // The next delivery is refused with a long Retry-After, so its job sits in the queue when the hub dies.
    zap.inject({ method: 'POST', path: /hooks\/catch/, status: 429, headers: { 'retry-after': '2' }, body: {}, times: 1 });
    const queued = await api('POST', '/api/agents/agent_1/calls', { call_id: 'call_pending', customer_name: 'Joe' });
    expect(queued.status).toBe(202);
    await eventually(
      async () => (await api('GET', '/api/agents/agent_1/calls/call_pending')).body.integrations?.[0]?.attempts === 1,
      15_000,
      'the first attempt',
    );
    await child.kill('SIGKILL');

    child = await spawnHub(env, port);
    const after = apiClient(child.url, apiKey);
    const list = await after('GET', '/api/agents/agent_1/integrations');
    expect(list.body.integrations).toEqual([expect.objectContaining({ id: connected.body.id, type: 'zapier', status: 'connected' })]);
    const done = await after('GET', '/api/agents/agent_1/calls/call_done');
    expect(done.body.integrations[0]).toMatchObject({
      status: 'succeeded',
      steps: [expect.objectContaining({ name: 'event', status: 'succeeded' })],
    });
    await eventually(
      async () => (await after('GET', '/api/agents/agent_1/calls/call_pending')).body.integrations[0].status === 'succeeded',
      20_000,
      'the queued job to finish after restart',
    );

    const repeat = await after('POST', '/api/agents/agent_1/calls', { call_id: 'call_done', customer_name: 'Jane' });
    expect(repeat.body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const ids = zap.caught().map((c) => (c.body as { call: { call_id: string } }).call.call_id);
    expect(ids.sort()).toEqual(['call_done', 'call_pending']);
  });

  it('a second hub on the same data folder refuses to start, saying why', async () => {
    const other = runCli(['tenant', 'create', 'x'], env);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/in use by process/);
    // `pnpm start` itself: one line naming the setting, no stack trace.
    const server = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/main.ts')], {
      cwd: ROOT,
      env: childEnv({ ...env, PORT: String(await freePort()) }),
      encoding: 'utf8',
    });
    expect(server.status).toBe(1);
    expect(server.stderr.trim()).toMatch(/^HUB_DATA_DIR: the data folder .* is in use by process \d+/);
    expect(server.stderr).not.toMatch(/^\s+at /m);
  });
});
