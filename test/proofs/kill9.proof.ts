import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startPipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { ROOT, apiClient, freePort, runCli, spawnHub, testEnv, type ChildHub } from '../helpers/hub.js';

/**
 * kill -9 chaos on MongoDB: an API server (HUB_WORKER=0) and two separate `pnpm hub worker`
 * processes sync calls into GoHighLevel and Pipedrive simulators while workers (and once the
 * server) are killed with SIGKILL and restarted. Then every call must have synced in both CRMs,
 * with one contact per phone and one note per call: nothing lost, nothing twice. MONGODB_URL picks
 * the database; without it FerretDB is started with scripts/ferretdb.sh. PROOF_CALLS (600),
 * PROOF_KILLS (5), PROOF_PHONES (100) change the run.
 */
const CALLS = Number(process.env.PROOF_CALLS ?? 600);
const KILLS = Number(process.env.PROOF_KILLS ?? 5);
const PHONES = Number(process.env.PROOF_PHONES ?? 100);
const AGENT = 'agent_kill9';
const tag = (i: number) => `[k9-${i}]`;
const phoneOf = (i: number) => `+1407556${String(1000 + (i % PHONES))}`;
const began = Date.now();
const log = (msg: string) => console.log(`[kill9 +${((Date.now() - began) / 1000).toFixed(1)}s] ${msg}`);

const ferret = { data: '', pid: '' };
async function mongoUrl(): Promise<string> {
  const db = `hub_kill9_${process.pid}`;
  if (process.env.MONGODB_URL) return process.env.MONGODB_URL.replace(/\/?(\?|$)/, `/${db}$1`);
  ferret.data = await mkdtemp(join(tmpdir(), 'ferretdb-kill9-'));
  ferret.pid = join(ferret.data, 'ferretdb.pid');
  const url = execFileSync(join(ROOT, 'scripts/ferretdb.sh'), ['start'], {
    env: { ...process.env, FERRETDB_DATA: ferret.data, FERRETDB_PIDFILE: ferret.pid },
    encoding: 'utf8',
  }).trim();
  log(`FerretDB started: ${url}`);
  return `${url.replace(/\/$/, '')}/${db}`;
}

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), 'worker'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}
const killed = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGKILL'))));

const ghl = await startGohighlevelSim();
const pd = await startPipedriveSim();
const dataDir = await mkdtemp(join(tmpdir(), 'hub-kill9-'));
const workers: ChildProcess[] = [];
let server: ChildHub | undefined;
try {
  const env = testEnv(dataDir, {
    MONGODB_URL: await mongoUrl(),
    HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, pipedrive: { baseUrl: `${pd.url}/v1` } }),
    HUB_RETRY_BASE_MS: '200',
    HUB_MAX_ATTEMPTS: '30',
    HUB_WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'warn',
  });
  const created = runCli(['tenant', 'create', 'kill9'], env);
  if (created.status !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
  const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };
  const port = await freePort();
  server = await spawnHub({ ...env, HUB_WORKER: '0' }, port);
  const api = apiClient(server.url, apiKey);
  for (const body of [
    { type: 'gohighlevel', api_key: ghl.token, config: { location_id: ghl.locationId } },
    { type: 'pipedrive', api_key: pd.apiToken },
  ]) {
    const res = await api('POST', `/api/agents/${AGENT}/integrations/connect`, body);
    if (res.status !== 201) throw new Error(`connect ${body.type}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  workers.push(startWorker(env), startWorker(env));
  log(
    `server pid ${server.child.pid} (HUB_WORKER=0), workers ${workers.map((w) => w.pid).join(', ')}; ${CALLS} calls, ${PHONES} phones, ${KILLS} worker kills + 1 server kill`,
  );

  // The platform retries a POST that got no answer; call_id makes that safe.
  const post = async (i: number): Promise<void> => {
    const body = {
      call_id: `k9_${i}`,
      customer_name: `Caller ${i % PHONES}`,
      customer_phone: phoneOf(i),
      call_outcome: 'message_taken',
      call_summary: `Roof repair question ${tag(i)}`,
      duration_seconds: 120,
    };
    for (;;) {
      try {
        if ((await apiClient(server!.url, apiKey)('POST', `/api/agents/${AGENT}/calls`, body)).status === 202) return;
      } catch {
        /* the server is down for a moment */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  let kills = 0;
  const killEvery = Math.max(1, Math.floor(CALLS / (KILLS + 1)));
  for (let start = 0; start < CALLS; start += 20) {
    await Promise.all(Array.from({ length: Math.min(20, CALLS - start) }, (_, k) => post(start + k)));
    if (kills < KILLS && start > 0 && start % killEvery < 20) {
      const n = kills % workers.length;
      await killed(workers[n]);
      workers[n] = startWorker(env);
      kills++;
      log(`kill -9 worker ${n + 1} (${kills}/${KILLS}) after ${start + 20} calls; restarted as pid ${workers[n].pid}`);
    }
    if (start === Math.floor(CALLS / 2 / 20) * 20) {
      await server.kill('SIGKILL');
      server = await spawnHub({ ...env, HUB_WORKER: '0' }, port);
      log(`kill -9 server after ${start + 20} calls; restarted as pid ${server.child.pid}`);
    }
  }
  log(`all ${CALLS} calls accepted; waiting for the sync to finish (a killed worker's jobs wait for its 30 s lease)`);
  const final = apiClient(server.url, apiKey);
  const failedCalls: string[] = [];
  const pending = new Set(Array.from({ length: CALLS }, (_, i) => i));
  const deadline = Date.now() + 15 * 60_000;
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.size} calls did not finish: ${[...pending].slice(0, 10).join(', ')}…`);
    for (const i of [...pending]) {
      const r = await final('GET', `/api/agents/${AGENT}/calls/k9_${i}`);
      const states = (r.body?.integrations ?? []).map((j: { status: string }) => j.status);
      if (states.length === 2 && states.every((s: string) => s === 'succeeded')) pending.delete(i);
      else if (states.some((s: string) => s === 'failed')) {
        pending.delete(i);
        const errors = (r.body.integrations as Array<{ type: string; status: string; last_error?: { message: string } }>).filter(
          (j) => j.status === 'failed',
        );
        failedCalls.push(`call k9_${i} failed: ${errors.map((j) => `${j.type}: ${j.last_error?.message}`).join('; ')}`);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 1000));
  }
  const ghlContacts = ghl.contacts.all() as Array<{ phone?: string }>;
  const ghlNotes = (ghl.notes.all() as Array<{ body?: string }>).map((n) => n.body ?? '');
  const pdPersons = pd.persons.all() as unknown as Array<{ phone: Array<{ value: string }> }>;
  const pdNotes = (pd.notes.all() as Array<{ content?: string }>).map((n) => n.content ?? '');
  const problems: string[] = [...failedCalls];
  for (let p = 0; p < Math.min(PHONES, CALLS); p++) {
    const g = ghlContacts.filter((c) => c.phone === phoneOf(p)).length;
    const d = pdPersons.filter((x) => x.phone.some((v) => v.value === phoneOf(p))).length;
    if (g !== 1 || d !== 1) problems.push(`${phoneOf(p)}: ${g} GoHighLevel contacts, ${d} Pipedrive persons`);
  }
  for (let i = 0; i < CALLS; i++) {
    const g = ghlNotes.filter((b) => b.includes(tag(i))).length;
    const d = pdNotes.filter((b) => b.includes(tag(i))).length;
    if ((g !== 1 || d !== 1) && !failedCalls.some((f) => f.startsWith(`call k9_${i} `)))
      problems.push(`call ${i}: ${g} GoHighLevel notes, ${d} Pipedrive notes`);
  }
  log(
    `${CALLS} calls synced to both CRMs through ${kills} worker kills and 1 server kill: GoHighLevel ${ghlContacts.length} contacts / ${ghlNotes.length} notes, Pipedrive ${pdPersons.length} persons / ${pdNotes.length} notes for ${Math.min(PHONES, CALLS)} phones and ${CALLS} calls`,
  );
  if (problems.length) {
    console.error(`FAILED: ${problems.length} problems\n${problems.slice(0, 20).join('\n')}`);
    process.exitCode = 1;
  } else log('PASS: nothing lost, no duplicate CRM record');
} finally {
  await Promise.all(workers.map(killed));
  await server?.kill('SIGTERM');
  await Promise.all([ghl.close(), pd.close()]);
  if (ferret.pid) {
    try {
      process.kill(Number(execFileSync('cat', [ferret.pid], { encoding: 'utf8' }).trim()));
    } catch {
      /* already gone */
    }
    await rm(ferret.data, { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
}
