import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT, eventually, startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

type ZapSim = Awaited<ReturnType<typeof startZapierSim>>;
let hub: TestHub;
let zap: ZapSim;

beforeAll(async () => {
  zap = await startZapierSim();
  hub = await startTestHub({ HUB_WORKER_CONCURRENCY: '2' }, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await zap?.close();
});

async function connect(agent: string): Promise<string> {
  const res = await hub.api('POST', `/api/agents/${agent}/integrations/connect`, {
    type: 'zapier',
    webhook_url: `${zap.url}/hooks/catch/1/${agent}/`,
    test: false,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const ndjson = (calls: unknown[]) => calls.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join('\n');
const caughtFor = (agent: string) => zap.caught().filter((c) => (c.body as any).call.agent_id === agent);

describe('bulk sync of past calls', () => {
  it('NDJSON: valid lines are stored and synced once, bad lines are named by line and field; a repeat is a no-op', async () => {
    await connect('agent_bulk');
    const lines = [
      ...Array.from({ length: 20 }, (_, i) => sampleCall(`past_${i}`)),
      '{"call_id": "broken"',
      '',
      sampleCall('bad_email', { customer_email: 'nope' }),
      { customer_name: 'no id' },
    ];
    const body = ndjson(lines);
    const res = await hub.api('POST', '/api/agents/agent_bulk/calls/bulk', body, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ import_id: expect.stringMatching(/^imp_/), accepted: 20, rejected: 3, duplicates: 0 });
    expect(res.body.errors).toEqual([
      { line: 21, field: 'call', message: expect.stringContaining('not valid JSON') },
      { line: 23, call_id: 'bad_email', field: 'call.customer_email', message: expect.stringContaining('email') },
      { line: 24, field: 'call.call_id', message: 'is required' },
    ]);
    const id = res.body.import_id;
    const done = await eventually(
      async () => {
        const r = await hub.api('GET', `/api/agents/agent_bulk/imports/${id}`);
        return r.body.status === 'done' && r.body;
      },
      20_000,
      'the import to finish',
    );
    expect(done).toMatchObject({
      total: 23,
      accepted: 20,
      rejected: 3,
      jobs: { total: 20, succeeded: 20, failed: 0, queued: 0 },
      progress_percent: 100,
    });
    expect(caughtFor('agent_bulk').length).toBe(20);
    expect((await hub.api('GET', '/api/agents/agent_bulk/calls/past_7')).body.integrations[0].status).toBe('succeeded');

    const again = await hub.api('POST', '/api/agents/agent_bulk/calls/bulk', body, { 'content-type': 'application/x-ndjson' });
    expect(again.body).toMatchObject({ accepted: 20, duplicates: 20, rejected: 3 });
    await new Promise((r) => setTimeout(r, 300));
    expect(caughtFor('agent_bulk').length).toBe(20);
  });

  it('a JSON array works the same, positions counted from 1', async () => {
    const res = await hub.api('POST', '/api/agents/agent_array/calls/bulk', [
      sampleCall('a1'),
      sampleCall('a2', { duration_seconds: 'long' }),
    ]);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, call_id: 'a2', field: 'call.duration_seconds' }] });
  });

  it.each([
    ['an empty array', [], 'holds no calls'],
    ['an object', { call_id: 'x' }, 'JSON array'],
    ['10,001 calls', Array.from({ length: 10_001 }, (_, i) => ({ call_id: `c${i}` })), 'at most 10000'],
  ])('%s answers 400 naming the body and stores nothing', async (_n, body, message) => {
    const before = await hub.running.hub.repos.calls.col.countDocuments({ agentId: 'agent_refused' });
    const res = await hub.api('POST', '/api/agents/agent_refused/calls/bulk', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'HUB_ERR_VALIDATION', field: 'body', message: expect.stringContaining(message) });
    expect(await hub.running.hub.repos.calls.col.countDocuments({ agentId: 'agent_refused' })).toBe(before);
  });

  it('another tenant cannot read an import (404)', async () => {
    const res = await hub.api('POST', '/api/agents/agent_array/calls/bulk', [sampleCall('a3')]);
    const other = await hub.newTenant();
    expect((await other.api('GET', `/api/agents/agent_array/imports/${res.body.import_id}`)).status).toBe(404);
    expect((await hub.api('GET', `/api/agents/agent_array/imports/${res.body.import_id}`)).status).toBe(200);
  });

  it('a live call posted during a backfill is claimed before the backfill jobs still queued', async () => {
    await connect('agent_lane');
    // A slow catch hook keeps most of the backfill queued while the live call arrives.
    zap.inject({ method: 'POST', path: /hooks\/catch\/1\/agent_lane/, delayMs: 20, times: 300 });
    const res = await hub.api(
      'POST',
      '/api/agents/agent_lane/calls/bulk',
      Array.from({ length: 150 }, (_, i) => sampleCall(`back_${i}`)),
    );
    expect(res.body.accepted).toBe(150);
    const live = await hub.api('POST', '/api/agents/agent_lane/calls', sampleCall('live_1'));
    expect(live.status).toBe(202);
    const stillQueued = await hub.running.hub.queue.col.countDocuments({ importId: res.body.import_id, status: 'queued' });
    expect(stillQueued).toBeGreaterThan(20);
    await eventually(async () => caughtFor('agent_lane').length === 151, 30_000, 'every call to arrive');
    const order = caughtFor('agent_lane').map((c) => (c.body as any).call.call_id as string);
    // Jobs claimed before the live call was posted may still be in flight (2 workers); nothing queued then runs before it.
    expect(order.indexOf('live_1')).toBeLessThanOrEqual(150 - stillQueued + 2);
  });
});

describe('pnpm hub sync import', () => {
  it('posts a file, follows the import to the end and prints a summary; exit 1 when a line was rejected', async () => {
    await connect('agent_cli');
    const dir = await mkdtemp(join(tmpdir(), 'bulk-cli-'));
    const file = join(dir, 'calls.ndjson');
    await writeFile(
      file,
      ndjson([...Array.from({ length: 12 }, (_, i) => sampleCall(`cli_${i}`)), sampleCall('cli_bad', { started_at: 'noon' })]),
    );
    const run = promisify(execFile);
    const cli = (args: string[], env: Record<string, string>) =>
      run(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), 'sync', 'import', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      }).then(
        (r) => ({ ...r, code: 0 }),
        (e: { stdout: string; stderr: string; code: number }) => e,
      );
    const out = await cli([file, '--agent', 'agent_cli'], { HUB_URL: hub.url, HUB_API_KEY: hub.tenant.apiKey });
    expect(out.stdout).toContain('12 accepted (0 already stored), 1 rejected');
    expect(out.stdout).toContain('line 13: call.started_at');
    expect(out.stdout).toContain('synced: 12 succeeded, 0 failed');
    expect(out.stderr).toMatch(/\[#+\] 100\.0% {2}12\/12 jobs/);
    expect(out.code).toBe(1);
    expect(caughtFor('agent_cli').length).toBe(12);

    const flags = await cli([file, '--agent', 'agent_cli', '--url', hub.url, '--api-key', 'hub_sk_wrong'], {});
    expect(flags.code).toBe(1);
    expect(flags.stderr).toContain('import refused (401)');
    const missing = await cli([file], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('sync import needs --agent <id>');
  });
});
