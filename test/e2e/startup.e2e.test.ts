import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, childEnv, testEnv } from '../helpers/hub.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-startup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts the server; a variable given as undefined is left out of its environment. */
function start(env: Record<string, string | undefined>): { status: number | null; output: string } {
  const merged: Record<string, string | undefined> = { ...childEnv(testEnv(join(dir, 'data'))), ...env };
  const cleaned = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: cleaned,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe('the hub refuses to start on bad configuration, saying exactly what is wrong', () => {
  it('an invalid connector manifest: names the file and the JSON path of every problem', async () => {
    const pkg = join(dir, 'extra', 'acme');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@x/acme', hub: { connector: './manifest.json' } }));
    await writeFile(
      join(pkg, 'manifest.json'),
      JSON.stringify({
        id: 'Acme!',
        name: 'Acme',
        version: '1.0.0',
        manifestVersion: 1,
        capabilities: ['contacts'],
        auth: { type: 'api_key', in: 'header' },
        http: { baseUrl: 'https://api.acme.test' },
        operations: {},
      }),
    );
    const r = start({ HUB_CONNECTOR_DIRS: join(dir, 'extra') });
    expect(r.status).toBe(1);
    expect(r.output).toContain(join(pkg, 'manifest.json'));
    expect(r.output).toContain('/id');
    expect(r.output).toContain('/auth/name is required');
  });

  it('an invalid setting: names the variable', () => {
    const r = start({ PORT: 'eighty', HUB_CONNECTOR_OVERRIDES: '{"nosuch":{"baseUrl":"http://127.0.0.1:1"}}' });
    expect(r.status).toBe(1);
    expect(r.output).toContain('PORT:');
  });

  it('an override for a connector that does not exist', () => {
    const r = start({ HUB_CONNECTOR_OVERRIDES: '{"nosuch":{"baseUrl":"http://127.0.0.1:1"}}' });
    expect(r.status).toBe(1);
    expect(r.output).toContain('HUB_CONNECTOR_OVERRIDES: /nosuch names no known connector');
  });
});

describe('on MongoDB', () => {
  it('refuses to start without HUB_SECRET_KEY: every process sharing the database needs the same key', () => {
    const r = start({ MONGODB_URL: 'mongodb://127.0.0.1:1/hub', HUB_SECRET_KEY: undefined });
    expect(r.status).toBe(1);
    expect(r.output.trim().split('\n')).toHaveLength(1);
    expect(r.output).toMatch(/^HUB_SECRET_KEY: must be set when MONGODB_URL is/);
  });

  it('an unreachable MONGODB_URL stops start-up within 10 s with one line naming it', () => {
    const started = Date.now();
    const r = start({ MONGODB_URL: 'mongodb://127.0.0.1:1/hub' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.output.trim().split('\n'), r.output).toHaveLength(1);
    expect(r.output).toMatch(/^MONGODB_URL: cannot reach mongodb:\/\/127\.0\.0\.1:1\/hub/);
  });
});
