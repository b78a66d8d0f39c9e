// `pnpm bench`: runs every benchmark script in turn, each in its own process, and prints one table
// (each row with the command that reproduces it) and the box it ran on. Traffic stays on loopback.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/hub.js';

type Figures = Record<string, number>;
const scripts = ['ingest', 'deliveries', 'claims', 'latency'] as const;
const command = (name: string) => `pnpm exec tsx test/bench/${name}.bench.ts`;

function runScript(name: string): Figures {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, `test/bench/${name}.bench.ts`)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  });
  const line = res.stdout.split('\n').find((l) => l.startsWith(`BENCH ${name} `));
  if (res.status !== 0 || line === undefined) throw new Error(`${command(name)} failed (exit ${res.status}): ${res.stdout}`);
  return JSON.parse(line.slice(`BENCH ${name} `.length)) as Figures;
}

const n = (v: number) => v.toLocaleString('en-US');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const started = Date.now();
const loadBefore = load();
const r: Record<(typeof scripts)[number], Figures> = Object.fromEntries(scripts.map((s) => [s, runScript(s)])) as never;
const { ingest, deliveries, claims, latency } = r;
const ok = (met: boolean) => (met ? 'met' : 'NOT met');

const rows: Array<[string, string, string, string]> = [
  [
    'ingest POST /calls vs bare Fastify',
    `${n(ingest.hub_per_s)} vs ${n(ingest.bare_per_s)} req/s = ${ingest.ratio}; p99 ${ingest.hub_p99_ms} vs ${ingest.bare_p99_ms} ms; ${n(ingest.hub_cpu_us)} vs ${n(ingest.bare_cpu_us)} us CPU each; ${n(ingest.hub_delivered)} delivered meanwhile`,
    `>= 0.4, p99 <= 3x bare + 5 ms: ${ok(ingest.ratio >= 0.4 && ingest.hub_p99_ms <= 3 * ingest.bare_p99_ms + 5)}`,
    command('ingest'),
  ],
  [
    'ingest with HUB_WORKER=0 (API server only)',
    `${n(ingest.api_per_s)} vs ${n(ingest.bare_per_s)} req/s = ${ingest.api_ratio}; p99 ${ingest.api_p99_ms} vs ${ingest.bare_p99_ms} ms; ${n(ingest.api_cpu_us)} vs ${n(ingest.bare_cpu_us)} us CPU each`,
    `>= 0.4, p99 <= 3x bare + 5 ms: ${ok(ingest.api_ratio >= 0.4 && ingest.api_p99_ms <= 3 * ingest.bare_p99_ms + 5)}`,
    command('ingest'),
  ],
  [
    'deliveries, 40 hooks, 10,000 jobs vs bare POST loop',
    `${n(deliveries.hub_per_s)} vs ${n(deliveries.bare_per_s)} /s = ${deliveries.ratio} (hub ${deliveries.hub_cpu_percent}% CPU, ${n(deliveries.hub_cpu_us_per_job)} us/job)`,
    `>= 0.2: ${ok(deliveries.ratio >= 0.2)}`,
    command('deliveries'),
  ],
  [
    'backlog first half vs second half',
    `${n(deliveries.first_half_per_s)} vs ${n(deliveries.second_half_per_s)} /s = ${deliveries.first_vs_second} (after ${n(deliveries.warmup_jobs)} warm-up jobs at ${n(deliveries.warmup_per_s)} /s)`,
    `>= 0.8: ${ok(deliveries.first_vs_second >= 0.8)}`,
    command('deliveries'),
  ],
  [
    'claims with 100,000 jobs queued',
    `${n(claims.per_s)} claims/s (each then marked succeeded)`,
    'cost independent of backlog',
    command('claims'),
  ],
  [
    'end-to-end latency at 20 calls/s',
    `p50 ${latency.p50_ms} ms, p99 ${latency.p99_ms} ms (${latency.delivered}/${latency.calls} delivered); bare relay, same pace: p50 ${latency.bare_p50_ms}, p99 ${latency.bare_p99_ms} ms`,
    `p50 <= 3, p99 <= 10 ms: ${ok(latency.p50_ms <= 3 && latency.p99_ms <= 10)}`,
    command('latency'),
  ],
  ['RSS of the hub at 20 calls/s', `${n(latency.rss_peak_mb)} MB peak`, `<= 200 MB: ${ok(latency.rss_peak_mb <= 200)}`, command('latency')],
  ['RSS after draining 10,000 jobs', `${n(deliveries.rss_mb)} MB`, '(for reference)', command('deliveries')],
];
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
console.log(
  `box: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; load average ${loadBefore} before, ${load()} after; ${Math.round((Date.now() - started) / 1000)} s`,
);
for (const row of rows)
  console.log(
    `| ${row
      .slice(0, 3)
      .map((c, i) => c.padEnd(widths[i]))
      .join(' | ')} | ${row[3]} |`,
  );
