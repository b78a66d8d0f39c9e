/**
 * The scale-out proof on a real wire-protocol server (FerretDB): two servers and two `pnpm hub worker`s
 * share one database; 1,000 calls go to the GoHighLevel simulator and a Zapier catch hook while one
 * server and one worker are killed with SIGKILL twice each. Prints what the CRMs received.
 *
 *   pnpm tsx test/bench/multi-process.ts            # starts its own FerretDB (scripts/ferretdb.sh)
 *   HUB_TEST_MONGODB_URL=mongodb://… pnpm tsx test/bench/multi-process.ts
 *   CALLS=200 KILLS=0 pnpm tsx test/bench/multi-process.ts   # smaller, without the kills
 *
 * Zapier deliveries are counted by Idempotency-Key (the job and step, the same on every retry): a
 * worker killed after the hook answered and before its checkpoint was written sends again on the
 * next claim with the same key, which a receiver drops. A catch hook has no lookup to ask first, so
 * that repeat cannot be avoided; without kills there must be none.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startZapierSim } from '@hub/connector-zapier/sim';
import { ROOT, apiClient, childEnv, freePort, runCli, spawnHub, type ChildHub } from '../helpers/hub.js';

/** The call id a catch-hook payload carries (the original spec's payload nests it under `call`). */
function callIdOf(body: unknown): string {
  const b = body as { call_id?: string; call?: { call_id?: string } };
  return String(b.call?.call_id ?? b.call_id);
}

const CALLS = Number(process.env.CALLS ?? 1000);
const PHONES = Math.ceil(CALLS / 2); // every phone calls twice: one contact per phone, whatever the race
const KILLS = Number(process.env.KILLS ?? 2);
const ferret = { data: '', pidfile: '' };
if (!process.env.HUB_TEST_MONGODB_URL) {
  ferret.data = mkdtempSync(join(tmpdir(), 'ferretdb-multi-'));
  ferret.pidfile = join(ferret.data, 'ferretdb.pid');
}
const base =
  process.env.HUB_TEST_MONGODB_URL ??
  execFileSync(join(ROOT, 'scripts/ferretdb.sh'), ['start'], {
    encoding: 'utf8',
    env: { ...process.env, FERRETDB_DATA: ferret.data, FERRETDB_PIDFILE: ferret.pidfile },
  }).trim();
const url = `${base.replace(/\/$/, '')}/hub_proof_${randomUUID().slice(0, 8)}`;
const ghl = await startGohighlevelSim();
const zap = await startZapierSim();
const env = {
  MONGODB_URL: url,
  HUB_SECRET_KEY: randomBytes(32).toString('base64'),
  HUB_ALLOW_PRIVATE_URLS: '1',
  HUB_RETRY_BASE_MS: '200',
  HUB_MAX_ATTEMPTS: '20',
  LOG_LEVEL: 'warn',
  HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url } }),
};
const { apiKey } = JSON.parse(runCli(['tenant', 'create', 'Proof'], env).stdout) as { apiKey: string };

const ports = [await freePort(), await freePort()];
const servers: ChildHub[] = [await spawnHub(env, ports[0]), await spawnHub(env, ports[1])];
const startWorker = (): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), 'worker'], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: 'ignore',
  });
const workers = [startWorker(), startWorker()];
const api = apiClient(servers[1].url, apiKey);
const agent = 'agent_proof';
const ghlConnect = await api('POST', `/api/agents/${agent}/integrations/connect`, {
  type: 'gohighlevel',
  api_key: ghl.token,
  config: { location_id: ghl.locationId },
});
const zapConnect = await api('POST', `/api/agents/${agent}/integrations/connect`, {
  type: 'zapier',
  webhook_url: `${zap.url}/hooks/catch/1/proof/`,
  test: false, // the connect-time test event would be one more payload at the hook
});
if (ghlConnect.status !== 201 || zapConnect.status !== 201)
  throw new Error(`connect failed: ${JSON.stringify([ghlConnect.body, zapConnect.body])}`);

const started = Date.now();
const kills: string[] = [];
let accepted = 0;
let refused = 0;
// Posted BATCH at a time (a platform sends calls as they end, not one after another).
const BATCH = 8;
const killAt = [0.25, 0.6].slice(0, KILLS).map((f) => Math.floor((CALLS * f) / BATCH) * BATCH);
for (let start = 0; start < CALLS; start += BATCH) {
  // One server and one worker die twice, at 25 % and 60 % of the run, and come back.
  if (killAt.includes(start)) {
    await servers[0].kill('SIGKILL');
    workers[0].kill('SIGKILL');
    kills.push(`call ${start}: SIGKILL server 1 and worker 1`);
    servers[0] = await spawnHub(env, ports[0]);
    workers[0] = startWorker();
  }
  await Promise.all(
    Array.from({ length: Math.min(BATCH, CALLS - start) }, async (_, k) => {
      const i = start + k;
      // The platform sends again what got no 202 (call_id makes that safe).
      for (let tries = 0; tries < 5; tries++) {
        const res = await apiClient(servers[i % 2].url, apiKey)('POST', `/api/agents/${agent}/calls`, {
          call_id: `proof_${i}`,
          customer_name: `Caller ${i % PHONES}`,
          customer_phone: `+1415555${String(i % PHONES).padStart(4, '0')}`,
          call_summary: `Call ${i}`,
        }).catch(() => ({ status: 0 }));
        if (res.status === 202) return void accepted++;
        refused++;
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
}
const ingested = Date.now() - started;

// Wait until every job finished (or WAIT_MS pass: an hour by default, FerretDB 1.x scans every job per claim).
const deadline = Date.now() + Number(process.env.WAIT_MS ?? 3_600_000);
let pending = CALLS * 2;
const noted = () => new Set(ghl.notes.all().flatMap((n) => /proof_\d+\b/.exec(JSON.stringify(n)) ?? [])).size;
let reported = Date.now();
while (Date.now() < deadline) {
  const caught = new Set(zap.caught().map((c) => callIdOf(c.body))).size;
  pending = CALLS * 2 - noted() - caught;
  if (pending <= 0) break;
  // A line a minute, so a long run shows how far it got.
  if (Date.now() - reported >= 60_000) {
    reported = Date.now();
    console.log(
      `+${((Date.now() - started) / 1000).toFixed(0)} s: ${noted()} calls with a note, ${caught} at the catch hook, ${ghl.requests.filter((r) => r.status === 429).length} 429s`,
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
}
const elapsed = Date.now() - started;
const contactsPerPhone = new Map<string, number>();
for (const c of ghl.contacts.all()) contactsPerPhone.set(String(c.phone), (contactsPerPhone.get(String(c.phone)) ?? 0) + 1);
const notesPerCall = new Map<string, number>();
for (const n of ghl.notes.all()) {
  const id = /proof_\d+\b/.exec(JSON.stringify(n))?.[0];
  if (id) notesPerCall.set(id, (notesPerCall.get(id) ?? 0) + 1);
}
const caughtPerCall = new Map<string, number>();
for (const c of zap.caught()) {
  const id = callIdOf(c.body);
  caughtPerCall.set(id, (caughtPerCall.get(id) ?? 0) + 1);
}
// Every answered delivery with its Idempotency-Key (the job id and step): a repeat keeps the key.
const keys = new Map<string, number>();
for (const r of zap.requests.filter((q) => q.method === 'POST' && q.status === 200)) {
  const key = String(r.headers['idempotency-key']);
  keys.set(key, (keys.get(key) ?? 0) + 1);
}
const repeated = [...keys.entries()].filter(([, n]) => n > 1);
const ghl429 = ghl.requests.filter((r) => r.status === 429).length;
console.log(`store: ${base.replace(/\/\/[^@/]*@/, '//***@')} (2 servers + 2 workers)`);
for (const k of kills) console.log(`killed: ${k}`);
console.log(
  `calls posted: ${CALLS} (accepted 202: ${accepted}; answers other than 202, sent again: ${refused}) in ${(ingested / 1000).toFixed(1)} s`,
);
console.log(`all synced after: ${(elapsed / 1000).toFixed(1)} s; unfinished deliveries: ${Math.max(0, pending)}`);
console.log(
  `GoHighLevel: contacts ${ghl.contacts.all().length} for ${PHONES} phones (max per phone ${Math.max(0, ...contactsPerPhone.values())}); notes ${ghl.notes.all().length} for ${CALLS} calls (calls with a note: ${notesPerCall.size}, max per call ${Math.max(0, ...notesPerCall.values())})`,
);
console.log(`GoHighLevel: requests ${ghl.requests.length}, 429 answers ${ghl429}`);
console.log(
  `Zapier: ${zap.caught().length} payloads for ${caughtPerCall.size} calls (max per call ${Math.max(0, ...caughtPerCall.values())}); ${keys.size} distinct Idempotency-Keys, ${repeated.length} delivered more than once${
    repeated.length
      ? ` (${repeated
          .slice(0, 5)
          .map(([k, n]) => `${k} x${n}`)
          .join(', ')})`
      : ''
  }`,
);
const maxNotes = Math.max(0, ...notesPerCall.values());
const maxContacts = Math.max(0, ...contactsPerPhone.values());
const problems = [
  pending > 0 ? `${pending} deliveries unfinished` : '',
  notesPerCall.size !== CALLS || maxNotes !== 1 ? 'not exactly one note per call' : '',
  contactsPerPhone.size !== PHONES || maxContacts !== 1 ? 'not exactly one contact per phone' : '',
  ghl429 > 0 ? `${ghl429} answers 429 from GoHighLevel` : '',
  keys.size !== CALLS ? `${keys.size} distinct Zapier deliveries for ${CALLS} calls` : '',
  // Without kills nothing may be delivered twice; with them, only the same key again (dropped by the receiver).
  KILLS === 0 && repeated.length > 0 ? `${repeated.length} Zapier deliveries repeated without any kill` : '',
].filter(Boolean);
console.log(problems.length ? `FAILED: ${problems.join('; ')}` : 'PASS');
process.exitCode = problems.length ? 1 : 0;
await Promise.all(servers.map((s) => s.kill('SIGTERM')));
for (const w of workers) w.kill('SIGTERM');
await ghl.close();
await zap.close();
if (ferret.pidfile) {
  try {
    process.kill(Number(readFileSync(ferret.pidfile, 'utf8').trim()));
  } catch {
    /* already gone */
  }
  rmSync(ferret.data, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
