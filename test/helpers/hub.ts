import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { loadSettings } from '../../server/src/settings.js';
import { createHub, createLogger, type RunningHub } from '../../server/src/runtime.js';
import { extensions } from '../../server/src/extensions.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A tiny JSON client bound to a hub URL and a tenant key. */
export interface Api {
  (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

/** Makes an Api for a base URL and (optionally) a tenant API key. */
export function apiClient(url: string, apiKey?: string): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** A hub started in this process on 127.0.0.1 with the embedded store in a fresh folder. */
export interface TestHub {
  url: string;
  running: RunningHub;
  dataDir: string;
  /** every log line the hub wrote (pino JSON), for tests that check nothing secret is logged */
  logs: string[];
  /** a tenant made at start, and an Api authenticated as it */
  tenant: { tenantId: string; apiKey: string };
  api: Api;
  /** makes another tenant */
  newTenant(): Promise<{ tenantId: string; apiKey: string; api: Api }>;
  close(): Promise<void>;
}

/** Environment every test hub gets: loopback simulators allowed, fast retries, a fixed key. */
export function testEnv(dataDir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    HUB_DATA_DIR: dataDir,
    HUB_ALLOW_PRIVATE_URLS: '1',
    HUB_SECRET_KEY: randomBytes(32).toString('base64'),
    HUB_RETRY_BASE_MS: '50',
    HUB_MAX_ATTEMPTS: '4',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  };
}

/** Starts the real server (app, engine, worker) on an ephemeral loopback port; `connectors` limits which connector packages load. */
export async function startTestHub(
  env: Record<string, string> = {},
  opts: { connectors?: string[]; onRoute?: (route: RouteOptions) => void } = {},
): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-test-'));
  const settings = loadSettings(testEnv(dataDir, { LOG_LEVEL: 'debug', ...env }));
  const logs: string[] = [];
  const connectorDirs = opts.connectors?.map((id) => join(ROOT, 'connectors', id));
  const running = await createHub(
    settings,
    { ...extensions(settings), ...(connectorDirs ? { connectorDirs } : {}), onRoute: opts.onRoute },
    createLogger(settings.logLevel, { write: (line: string) => void logs.push(line) }),
  );
  const address = await running.app.listen({ port: 0, host: '127.0.0.1' });
  const tenant = await running.hub.repos.tenants.create('Test tenant');
  return {
    url: address,
    running,
    dataDir,
    logs,
    tenant,
    api: apiClient(address, tenant.apiKey),
    async newTenant() {
      const t = await running.hub.repos.tenants.create('Other tenant');
      return { ...t, api: apiClient(address, t.apiKey) };
    },
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment of a child hub process: this one's, minus any MONGODB_URL (a developer's shell may
 * have one: a test's child must never write to that database by accident), plus `env`.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { MONGODB_URL: _ignored, ...rest } = process.env;
  return { ...rest, ...env };
}

/** Runs `pnpm hub …` (the CLI) with an environment; returns stdout, stderr and the exit code. */
export function runCli(args: string[], env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: 'utf8',
  });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status };
}

/** A hub running as a child process (for kill -9 tests), on a given port. */
export interface ChildHub {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `server/src/main.ts` as a child process and waits until /health answers. */
export async function spawnHub(env: Record<string, string>, port: number): Promise<ChildHub> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: childEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`hub did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Polls fn until it returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
