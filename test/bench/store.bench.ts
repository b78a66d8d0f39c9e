// Embedded store throughput: one write at a time (one fdatasync each) against writes in flight
// together (group commit shares the fdatasync). Run: pnpm exec tsx test/bench/store.bench.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEngine } from '@hub/store';

async function timed(label: string, count: number, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  console.log(`${label}: ${count} writes in ${ms.toFixed(0)} ms = ${Math.round((count / ms) * 1000)} writes/s`);
}

const dir = await mkdtemp(join(tmpdir(), 'hub-store-bench-'));
const store = await openEmbeddedEngine({ dir });
const calls = store.collection('calls');
const doc = (i: number) => ({ _id: `call-${i}`, tenantId: 't1', status: 'ended', transcript: 'hello '.repeat(50), at: Date.now() });
try {
  await timed('sequential inserts', 500, async () => {
    for (let i = 0; i < 500; i++) await calls.insertOne(doc(i));
  });
  await timed('parallel inserts (100 in flight)', 20_000, async () => {
    for (let i = 500; i < 20_500; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => calls.insertOne(doc(i + k))));
    }
  });
  await timed('parallel claims (findOneAndUpdate, 50 in flight)', 5_000, async () => {
    for (let i = 0; i < 5_000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => calls.findOneAndUpdate({ _id: `call-${i}` }, { $inc: { n: 1 } })));
    }
  });
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
