import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/hub.js';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});

function cli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), ...args], { cwd: ROOT, env: process.env });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<Record<string, any>> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return JSON.parse(line);
}

async function finish(child: ChildProcess): Promise<{ stdout: string; stderr: string; code: number | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { stdout, stderr, code };
}

describe('pnpm hub sim <connector>', () => {
  it("starts the connector's simulator, prints its base URL and credentials, and connector try completes against it", async () => {
    const sim = cli(['sim', 'pipedrive', '--port', '0']);
    const info = await firstLine(sim);
    expect(info).toMatchObject({
      connector: 'pipedrive',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      credentials: { api_key: expect.any(String) },
    });
    expect(info.baseUrl).toBe(`${info.url}/v1`);
    const dir = await mkdtemp(join(tmpdir(), 'hub-sim-'));
    await writeFile(
      join(dir, 'call.json'),
      JSON.stringify({
        call_id: 'call_sim_1',
        customer_name: 'Jane Smith',
        customer_phone: '+14079780655',
        call_summary: 'Asked for a quote',
      }),
    );
    const tried = await finish(
      cli([
        'connector',
        'try',
        'pipedrive',
        'addNote',
        '--call',
        join(dir, 'call.json'),
        '--base-url',
        info.baseUrl,
        '--credentials',
        JSON.stringify(info.credentials),
      ]),
    );
    expect(tried.stderr).toBe('');
    expect(tried.code).toBe(0);
    expect(tried.stdout).toContain(`→ POST ${info.baseUrl}/notes`);
    expect(tried.stdout).toMatch(/result:\n {2}\{\n {4}"id": \d+/);
  });

  it("an OAuth connector's simulator hands out an access token", async () => {
    const info = await firstLine(cli(['sim', 'hubspot']));
    expect(info.credentials).toEqual({ access_token: expect.any(String) });
    const res = await fetch(`${info.baseUrl}/crm/v3/objects/contacts?limit=1`, {
      headers: { authorization: `Bearer ${info.credentials.access_token}` },
    });
    expect(res.status).toBe(200);
  });

  it('names the problem: an unknown connector, one without a simulator, a bad port', async () => {
    expect(await finish(cli(['sim', 'nope']))).toMatchObject({ code: 1, stderr: expect.stringContaining('no connector with id "nope"') });
    expect(await finish(cli(['sim', 'gohighlevel-oauth']))).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('gohighlevel-oauth has no simulator'),
    });
    expect(await finish(cli(['sim', 'pipedrive', '--port', 'x']))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: pnpm hub sim'),
    });
  });
});
