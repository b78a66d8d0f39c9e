import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@hub/store';
import { ROOT, apiClient, eventually, runCli, testEnv } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

// `pnpm start` exactly as a user runs it; the signal goes to the PID that command runs as.
let dir: string;
let hanging: Server;
let hangingUrl: string;
/** Every process a test started, killed at the end should a stop have failed (no orphan outlives the suite). */
const started = new Set<number>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-clean-stop-'));
  // A catch hook that never answers: a sync job is in flight when the stop comes.
  hanging = createServer(() => undefined);
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/hooks/catch/1/slow/`;
});
afterAll(async () => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  hanging.closeAllConnections();
  await new Promise<void>((r) => hanging.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

function pnpmStart(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('pnpm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid) started.add(child.pid);
  return { child, output: () => output, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Sends the signal to the PID `pnpm start` runs as; resolves when that process and the hub it started are gone. */
async function stopAndTime(
  run: ReturnType<typeof pnpmStart>,
  lock: string,
  signal: NodeJS.Signals,
): Promise<{ ms: number; hubPid: number }> {
  const hubPid = Number(readFileSync(lock, 'utf8').trim().split(/\D+/).find(Boolean));
  started.add(hubPid);
  const t0 = Date.now();
  run.child.kill(signal);
  await run.exited;
  await eventually(async () => !alive(hubPid), 12_000, 'the hub process to exit');
  return { ms: Date.now() - t0, hubPid };
}

describe('a clean stop of `pnpm start`', () => {
  it('SIGTERM to its PID stops the hub within 10 s with a job in flight, releases the job and frees the data folder', async () => {
    const dataDir = join(dir, 'data-running');
    const env = testEnv(dataDir, { LOG_LEVEL: 'info', PORT: '0' });
    const tenant = JSON.parse(runCli(['tenant', 'create', 'Stop test'], env).stdout.trim().split('\n').at(-1)!) as { apiKey: string };
    const run = pnpmStart(env);
    const url = await eventually(
      async () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1],
      20_000,
      `the hub to listen: ${run.output()}`,
    );
    const api = apiClient(url, tenant.apiKey);
    expect(
      (await api('POST', '/api/agents/agent_stop/integrations/connect', { type: 'zapier', webhook_url: hangingUrl, test: false })).status,
    ).toBe(201);
    expect((await api('POST', '/api/agents/agent_stop/calls', sampleCall('call_stop_1'))).status).toBe(202);
    await eventually(
      async () => (await api('GET', '/api/agents/agent_stop/calls/call_stop_1')).body.integrations?.[0]?.status === 'running',
      10_000,
      'the job to run',
    );

    const lock = join(dataDir, 'store.lock');
    const { ms } = await stopAndTime(run, lock, 'SIGTERM');
    expect(ms).toBeLessThan(10_000);
    expect(existsSync(lock)).toBe(false);
    const engine = await openStore({ dataDir });
    try {
      const [job] = await engine.collection<{ _id: string; status: string }>('jobs').find({}).toArray();
      expect(job.status).toBe('queued');
    } finally {
      await engine.close();
    }
  });

  it('a stop during start-up waits for the start, closes what it opened and frees the folder', async () => {
    const dataDir = join(dir, 'data-starting');
    const run = pnpmStart(testEnv(dataDir, { LOG_LEVEL: 'info', PORT: '0' }));
    const lock = join(dataDir, 'store.lock');
    await eventually(async () => existsSync(lock) && readFileSync(lock, 'utf8').trim() !== '', 20_000, 'the hub to open its folder');
    const { ms } = await stopAndTime(run, lock, 'SIGTERM');
    expect(ms).toBeLessThan(10_000);
    expect(existsSync(lock)).toBe(false);
  });

  it('Ctrl-C (SIGINT) stops it too', async () => {
    const dataDir = join(dir, 'data-sigint');
    const run = pnpmStart(testEnv(dataDir, { LOG_LEVEL: 'info', PORT: '0' }));
    await eventually(async () => /Server listening at/.test(run.output()), 20_000, 'the hub to listen');
    const { ms } = await stopAndTime(run, join(dataDir, 'store.lock'), 'SIGINT');
    expect(ms).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, 'store.lock'))).toBe(false);
  });
});
