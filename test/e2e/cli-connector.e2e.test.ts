import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { ROOT, childEnv, runCli } from '../helpers/hub.js';

let tmp: string;
let sim: GohighlevelSim;

/** runCli blocks this process, so `try` (which talks to a simulator living here) runs the CLI asynchronously. */
function runCliAsync(args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), ...args], { cwd: ROOT, env: childEnv({}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('exit', (status) => resolve({ stdout, stderr, status }));
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'hub-cli-'));
  sim = await startGohighlevelSim();
});
afterAll(async () => {
  await sim?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('pnpm hub connector new', { timeout: 90_000 }, () => {
  it('scaffolds a package whose manifest validates, with a test folder; refuses to overwrite or a bad id', async () => {
    const dir = join(tmp, 'acme-crm');
    const made = runCli(['connector', 'new', 'acme-crm', '--dir', dir], {});
    expect(made.status).toBe(0);
    for (const f of ['package.json', 'manifest.json', 'test/acme-crm.test.ts']) expect(existsSync(join(dir, f))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).hub).toEqual({ connector: './manifest.json' });
    const checked = runCli(['connector', 'validate', dir], {});
    expect(checked.stdout).toContain('ok  acme-crm');
    expect(checked.status).toBe(0);
    expect(runCli(['connector', 'new', 'acme-crm', '--dir', dir], {}).status).toBe(1);
    const bad = runCli(['connector', 'new', 'Acme CRM', '--dir', join(tmp, 'x')], {});
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('^[a-z0-9-]+$');
  });
});

describe('pnpm hub connector validate', { timeout: 90_000 }, () => {
  it('reports every problem with its JSON path and exits 1', async () => {
    const dir = join(tmp, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'broken', hub: { connector: './manifest.json' } }));
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({
        id: 'Broken!',
        version: '1.0.0',
        manifestVersion: 1,
        capabilities: ['contacts', 'telepathy'],
        auth: { type: 'api_key', in: 'cookie' },
        http: { baseUrl: 'https://x.test' },
        operations: { addNote: { output: '{' }, createContact: { hook: 'make' } },
        mappings: { note: '$callNote(call' },
      }),
    );
    const res = runCli(['connector', 'validate', dir], {});
    expect(res.status).toBe(1);
    for (const expected of ['/id', '/name is required', '/capabilities/1', '/auth/in', '/auth/name is required'])
      expect(res.stdout).toContain(expected);
    const file = runCli(['connector', 'validate', join(dir, 'manifest.json')], {});
    expect(file.status).toBe(1);
    expect(file.stdout).toContain('/name is required');
  });

  it('reports cross-reference and JSONata problems of a schema-valid manifest', async () => {
    const dir = join(tmp, 'crossref');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'crossref', hub: { connector: './manifest.json' } }));
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({
        id: 'crossref',
        name: 'X',
        version: '1.0.0',
        manifestVersion: 1,
        capabilities: ['contacts', 'notes'],
        auth: { type: 'none' },
        http: { baseUrl: 'https://x.test' },
        operations: { addNote: { output: "{ 'id': }" }, createContact: { hook: 'make' } },
        mappings: { note: '$callNote(call' },
      }),
    );
    const res = runCli(['connector', 'validate', dir], {});
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('/operations/addNote needs a request or a hook');
    expect(res.stdout).toContain('/operations/createContact/hook names hook "make"');
    expect(res.stdout).toContain('/mappings/note JSONata does not compile');
    expect(res.stdout).toMatch(/3 problems|4 problems/);
  });

  it('passes the GoHighLevel, Housecall Pro and Pipedrive packages (hooks included)', () => {
    for (const id of ['gohighlevel', 'housecallpro', 'pipedrive']) {
      const res = runCli(['connector', 'validate', join(ROOT, 'connectors', id)], {});
      expect(res.stdout).toContain(`ok  ${id}`);
      expect(res.status).toBe(0);
    }
  });
});

describe('pnpm hub connector try', { timeout: 90_000 }, () => {
  it('runs one operation against the simulator and prints each request and answer, secrets redacted', async () => {
    const callFile = join(tmp, 'call.json');
    await writeFile(
      callFile,
      JSON.stringify({ call_id: 'call_try', customer_name: 'Jane Smith', customer_phone: '(407) 978-0655', call_summary: 'Wants a quote' }),
    );
    const res = await runCliAsync([
      'connector',
      'try',
      'gohighlevel',
      'addNote',
      '--call',
      callFile,
      '--base-url',
      sim.url,
      '--config',
      JSON.stringify({ location_id: sim.locationId, user_id: 'user_sim_1' }),
      '--credentials',
      JSON.stringify({ api_key: sim.token }),
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`→ POST ${sim.url}/contacts/upsert`);
    expect(res.stdout).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/contacts\/\w+\/notes/);
    expect(res.stdout).toContain('← 201');
    expect(res.stdout).toContain('"userId": "user_sim_1"');
    expect(res.stdout).toContain('result:');
    expect(res.stdout).not.toContain(sim.token);
    expect(sim.notes.size).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it('a rejected key fails with exit 1 and the key never printed; an unknown operation lists the declared ones', async () => {
    const callFile = join(tmp, 'call2.json');
    await writeFile(callFile, JSON.stringify({ call_id: 'call_try2', customer_phone: '+14155550100' }));
    const wrong = 'pit-wrong-0000-0000-0000-000000000000';
    const res = await runCliAsync([
      'connector',
      'try',
      'gohighlevel',
      'testConnection',
      '--call',
      callFile,
      '--base-url',
      sim.url,
      '--config',
      JSON.stringify({ location_id: sim.locationId }),
      '--credentials',
      JSON.stringify({ api_key: wrong }),
    ]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('HUB_ERR_CRM_AUTH');
    expect(res.stdout + res.stderr).not.toContain(wrong);
    const unknown = await runCliAsync(['connector', 'try', 'pipedrive', 'createJob', '--call', callFile]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('declared: testConnection, findContact');
    const badConfig = await runCliAsync(['connector', 'try', 'gohighlevel', 'testConnection', '--call', callFile, '--config', '{}']);
    expect(badConfig.stderr).toContain('config.location_id is required');
  });
});
