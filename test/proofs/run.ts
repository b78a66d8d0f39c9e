import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm proof <name>`: the long versions of the proof suites (docs/PROOFS.md). Suites that also run
 * in `pnpm test` take larger sizes from the environment here; the caller's environment wins.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROOFS: Record<string, { what: string; vitest?: string; script?: string; env?: Record<string, string> }> = {
  kill9: {
    what: 'kill -9 of workers and the server on MongoDB (FerretDB), two CRM simulators: nothing lost, nothing twice',
    script: 'test/proofs/kill9.proof.ts',
  },
  faults: {
    what: 'one CRM request in five faulted (429, 5xx, timeouts, drops, lost answers): every call synced exactly once',
    vitest: 'test/chaos/crm-chaos.test.ts',
    env: { CHAOS_CALLS: '400' },
  },
  outage: {
    what: 'a CRM down for 2 minutes, then back: the backlog drains',
    vitest: 'test/chaos/crm-outage.test.ts',
    env: { PROOF_OUTAGE_MS: '120000', PROOF_OUTAGE_CALLS: '60' },
  },
  backfill: { what: 'live calls during a 10,000-call backfill', script: 'test/bench/backfill.bench.ts' },
  multiprocess: {
    what: 'two servers and two workers on one FerretDB, 1,000 calls, a server and a worker SIGKILLed twice: one contact per phone, one note per call, no 429',
    script: 'test/bench/multi-process.ts',
  },
  ssrf: { what: 'SSRF targets at every tenant URL input', vitest: 'test/security/ssrf-list.test.ts' },
  secrets: { what: 'planted secrets in logs, answers and data files', vitest: 'test/security/planted-secrets.test.ts' },
  isolation: { what: 'the tenant isolation matrix', vitest: 'test/security/tenant-isolation.test.ts' },
  jsonata: { what: 'JSONata abuse', vitest: 'test/security/jsonata-abuse.test.ts' },
  fuzz: { what: 'schemathesis against /openapi.json: no server errors', script: 'test/proofs/fuzz.proof.ts' },
};

const name = process.argv[2];
const proof = name ? PROOFS[name] : undefined;
if (!proof) {
  process.stderr.write(
    `usage: pnpm proof <name>\n${Object.entries(PROOFS)
      .map(([n, p]) => `  ${n.padEnd(10)} ${p.what}`)
      .join('\n')}\n`,
  );
  process.exit(2);
}
const env = {
  ...process.env,
  ...proof.env,
  ...Object.fromEntries(
    Object.keys(proof.env ?? {})
      .filter((k) => process.env[k])
      .map((k) => [k, process.env[k]!]),
  ),
};
const args = proof.vitest
  ? [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', proof.vitest, '--testTimeout=1800000', '--hookTimeout=120000']
  : ['--import', 'tsx', join(ROOT, proof.script!)];
const res = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
process.exit(res.status ?? 1);
