// Shared pieces of the benchmark scripts: a hub child process on a fresh data folder with Zapier hooks
// on a loopback simulator, a ~2 KB call, percentiles, and the one-line result the bench table reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, freePort, runCli, testEnv, ROOT } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';

/** A finished call of about 2 KB (the transcript makes most of it): the tests' sample call without a recording. */
export function benchCall(id: string): Record<string, unknown> {
  const { recording_url: _none, ...call } = sampleCall(id, {
    transcript: 'Agent: Thanks for calling Acme Roofing, how can I help? Customer: I would like a roof inspection next week. '.repeat(16),
  });
  return call;
}

/** A hub running as a child process, its tenant key, and its data folder. */
export interface BenchHub {
  url: string;
  apiKey: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
  /** the process's resident set size now, in MB (from /proc) */
  rssMb(): Promise<number>;
}

/** Creates a tenant in a fresh data folder (the embedded store allows one process, so before the hub starts). */
export async function benchData(
  env: Record<string, string> = {},
): Promise<{ dataDir: string; env: Record<string, string>; apiKey: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-bench-'));
  // Logging at info, as in production, so its cost is measured; the lines go nowhere.
  const full = testEnv(dataDir, { LOG_LEVEL: 'info', HUB_RETRY_BASE_MS: '1000', ...env });
  const created = runCli(['tenant', 'create', 'bench'], full);
  if (created.status !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
  return { dataDir, env: full, apiKey: (JSON.parse(created.stdout) as { apiKey: string }).apiKey };
}

/** The node flags of `pnpm start` (memory settings), so a benchmarked hub runs as production does. */
export const START_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((t) => /^--[a-z-]+=/.test(t));

/** Starts the hub (server/src/main.ts) on a free loopback port over `data` and waits for /health. */
export async function startBenchHub(
  data: { dataDir: string; env: Record<string, string>; apiKey: string },
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<BenchHub> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...START_FLAGS, ...nodeArgs, '--import', 'tsx', join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...data.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error('hub did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    apiKey: data.apiKey,
    pid: child.pid!,
    dataDir: data.dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
    rssMb: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
  };
}

/** Connects `count` Zapier integrations on one agent, each to its own catch hook on `simUrl`. */
export async function connectHooks(hub: BenchHub, agentId: string, simUrl: string, count: number): Promise<void> {
  const api = apiClient(hub.url, hub.apiKey);
  for (let i = 0; i < count; i++) {
    const res = await api('POST', `/api/agents/${agentId}/integrations/connect`, {
      type: 'zapier',
      webhook_url: `${simUrl}/hooks/catch/${i}/bench/`,
    });
    if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The value below which `p` percent of `sorted` lie. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Prints one result line the bench table picks up (and a person can read). */
export function report(name: string, figures: Record<string, number | string>): void {
  console.log(`BENCH ${name} ${JSON.stringify(figures)}`);
}

/** CPU time (user + system) process `pid` has used, in ms (from /proc, in clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Removes a bench data folder. */
export function removeData(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
