import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToLockfile, scaffold } from '../../server/src/cli-scaffold.js';
import { ROOT } from '../helpers/hub.js';

// A copy of the workspace's package manifests and lockfile: enough for pnpm to check the lockfile
// against the workspace, without touching the repository's own pnpm-lock.yaml.
let ws: string;
const frozenInstall = (dir: string) =>
  spawnSync('pnpm', ['install', '--frozen-lockfile', '--offline', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });

beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'hub-ws-'));
  const listed = spawnSync('pnpm', ['-r', 'ls', '--depth', '-1', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const packages = (JSON.parse(listed.stdout) as Array<{ path: string }>).map((p) => p.path);
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.npmrc'])
    await copyFile(join(ROOT, file), join(ws, file)).catch(() => undefined);
  for (const dir of packages.filter((p) => p !== ROOT)) {
    const target = join(ws, dir.slice(ROOT.length));
    await mkdir(target, { recursive: true });
    await copyFile(join(dir, 'package.json'), join(target, 'package.json'));
  }
});
afterAll(async () => rm(ws, { recursive: true, force: true }));

describe('a scaffolded connector keeps pnpm install --frozen-lockfile working', { timeout: 120_000 }, () => {
  it('the copied workspace installs frozen as it is', () => {
    const res = frozenInstall(ws);
    expect(res.stderr + res.stdout).not.toMatch(/ERR_PNPM/);
    expect(res.status).toBe(0);
  });

  it('a new package alone breaks the frozen install; connector new adds it to the lockfile', async () => {
    const dir = join(ws, 'connectors', 'acme-crm');
    await scaffold('acme-crm', dir, ws);
    const before = frozenInstall(ws);
    expect(before.status).not.toBe(0);
    expect(addToLockfile(ws, dir)).toMatchObject({ ok: true });
    expect(await readFile(join(ws, 'pnpm-lock.yaml'), 'utf8')).toContain('connectors/acme-crm:');
    const after = frozenInstall(ws);
    expect(after.stderr + after.stdout).not.toMatch(/ERR_PNPM/);
    expect(after.status).toBe(0);
  });
});
