// The disk under the journal: O_DSYNC appends of 4 KB (about one call, its job and its claim) at a
// given spacing, as the journal makes them, p50/p90/p99 per spacing. An idle disk answers slower than
// a busy one here, which sets the floor of an idle hub's end-to-end latency.
// Run: pnpm exec tsx test/bench/disk-sync.bench.ts [gap ms ...] (default 5 and 50; BENCH_N appends each, default 200)
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, report } from './bench-kit.js';

const gaps = process.argv.slice(2).map(Number);
const n = Number(process.env.BENCH_N ?? 200);
const data = Buffer.from(`${'x'.repeat(4095)}\n`);
// Next to the hub's own data folders (the bench data lives in the OS temp folder too).
const dir = await mkdtemp(join(tmpdir(), 'hub-disk-'));
try {
  for (const gap of gaps.length > 0 ? gaps : [5, 50]) {
    const fh = await open(join(dir, `gap-${gap}.log`), constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC);
    const took: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fh.write(data);
      took.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, gap));
    }
    await fh.close();
    took.sort((a, b) => a - b);
    const ms = (p: number) => Number(percentile(took, p).toFixed(2));
    report('disk-sync', {
      gap_ms: gap,
      appends: n,
      p50_ms: ms(50),
      p90_ms: ms(90),
      p99_ms: ms(99),
      max_ms: Number(took.at(-1)!.toFixed(2)),
    });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
